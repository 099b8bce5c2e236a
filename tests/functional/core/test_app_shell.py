"""The installable app: the manifest each visitor's page links (where the app
opens), the service worker and its offline page, and which pages it may keep
(public pages only; never a cart, checkout, order or management page)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from shop.catalogue.services import refresh_derived
from shop.extensions import db
from tests.factories import (
    CoordinatorFactory,
    GroupFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
)

KEEP = "X-Etalase-Offline"
SW_SOURCE = (Path(__file__).resolve().parents[3] / "static" / "js" / "sw.js").read_text()
BANNER_HIDDEN = re.search(r"BANNER_HIDDEN = '([^']+)'", SW_SOURCE).group(1)
MANIFEST_LINK = re.compile(r'<link rel="manifest" href="([^"]+)">')


@pytest.fixture
def product():
    group = GroupFactory(slug="kelompok-luring")
    product = ProductFactory(group=group, name="Abon Luring", slug="abon-luring")
    variant = VariantFactory(product=product, stock=None)
    refresh_derived(product)
    db.session.flush()
    return product, variant


def _manifest_of(client, path="/"):
    page = client.get(path).get_data(as_text=True)
    href = MANIFEST_LINK.search(page).group(1)
    response = client.get(href)
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    return href, json.loads(response.get_data(as_text=True))


def test_a_visitor_installs_an_app_that_opens_on_the_home_page(client):
    href, manifest = _manifest_of(client)
    assert href == "/manifest.webmanifest"
    assert manifest["name"] == "Etalase"
    assert manifest["start_url"] == "/"
    assert manifest["id"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#7a2e0e"
    assert manifest["lang"] == "id"
    assert "kelompok usaha" in manifest["description"]
    purposes = set()
    for icon in manifest["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200
        image = Image.open(io.BytesIO(response.data))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]
        purposes.add(icon["purpose"])
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    assert purposes == {"any", "maskable"}


def test_the_manifest_speaks_the_visitors_language(client):
    manifest = json.loads(client.get("/manifest.webmanifest?hl=en").get_data(as_text=True))
    assert manifest["lang"] == "en"
    assert manifest["description"].startswith("Products made by community enterprise groups")


def test_a_member_and_a_coordinator_install_apps_that_open_on_their_own_pages(
    app, client, login_as
):
    member = UserFactory(phone="+6281234500001")
    group = MembershipFactory(user=member).group
    coordinator = CoordinatorFactory()
    db.session.flush()

    login_as(member)
    href, manifest = _manifest_of(client)
    assert href == "/manifest-member.webmanifest"
    with app.test_request_context():
        from flask import url_for

        own_group = url_for("groups.manage_home", slug=group.slug)
        monitoring = url_for("monitoring.overview")
    # The member's app opens on their group's page.
    opened = client.get(manifest["start_url"])
    assert opened.status_code == 302 and opened.location.endswith(own_group)
    assert manifest["id"] == "/"  # the same app, opened elsewhere

    other = app.test_client()
    response = other.post(
        "/masuk", data={"login": coordinator.user.phone, "password": "rahasia-123"}
    )
    assert response.status_code == 302
    href, manifest = _manifest_of(other)
    assert href == "/manifest-coordinator.webmanifest"
    assert manifest["start_url"] == monitoring

    # The page cache never hands a visitor someone else's manifest link.
    href, _ = _manifest_of(app.test_client())
    assert href == "/manifest.webmanifest"


def test_public_pages_may_be_kept_offline_and_personal_pages_never(client, product, login_as):
    item, variant = product
    public = ["/", "/katalog", "/kelompok", "/k/kelompok-luring", "/k/kelompok-luring/abon-luring"]
    for path in public:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers.get(KEEP) == "keep", path
        assert BANNER_HIDDEN in response.get_data(as_text=True), path

    client.post("/keranjang/tambah", data={"variant": variant.id, "quantity": 1})
    for path in ["/keranjang", "/checkout", "/masuk", "/luring", "/lacak"]:
        response = client.get(path)
        assert KEEP not in response.headers, path
    # With a cart the public page is still marked, and says it is this
    # visitor's own (no-store): the worker keeps the anonymous page instead.
    response = client.get("/katalog")
    assert response.headers.get(KEEP) == "keep"
    assert "no-store" in response.headers["Cache-Control"]

    login_as(UserFactory(phone="+6281234500002"))
    assert KEEP not in client.get("/kelola/kelompok-baru").headers
    assert KEEP not in client.get("/akun").headers


def test_pages_say_their_language(client):
    assert client.get("/").headers["Content-Language"] == "id"
    assert client.get("/katalog?hl=en").headers["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("language", "heading"),
    [("id", "Halaman ini memerlukan koneksi internet"), ("en", "This page needs a connection")],
)
def test_the_offline_page_says_it_needs_a_connection(client, language, heading):
    response = client.get(f"/luring?hl={language}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in page
    # Its banner shows; on every other page it waits hidden for the worker.
    assert BANNER_HIDDEN not in page
    assert '<p class="offline-banner">' in page


def test_the_service_worker_keeps_the_offline_pages_and_their_files(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.cache_control.no_cache and not response.cache_control.max_age
    source = response.get_data(as_text=True)
    assert "__" not in re.sub(r"//.*|/\*.*?\*/", "", source, flags=re.S).replace("__proto", "")
    version = re.search(r'var VERSION = "([0-9a-f]{16})"', source).group(1)
    assert version
    pages = json.loads(re.search(r"var OFFLINE_PAGES = (\{.*?\});", source).group(1))
    assert pages == {"id": "/luring?hl=id", "en": "/luring?hl=en"}
    files = json.loads(re.search(r"var SHELL_FILES = (\[.*?\]);", source).group(1))
    assert any(name.startswith("/static/css/app.css?v=") for name in files)
    for url in [*pages.values(), *files]:
        assert client.get(url).status_code == 200, url
    # Every page registers it.
    assert 'data-sw="/sw.js"' in client.get("/").get_data(as_text=True)
