"""The site's list pages (home, catalogue, group directory, exhibitions) have
a share image like the product and group pages: a 1200×630 JPEG drawn once
into the storage, keyed by what it shows and in the page's language, so a
link pasted into WhatsApp shows a picture; any other public page without a
picture of its own (an exhibition without a banner, order lookup) shows the
site's."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from PIL import Image as PILImage

from shop.media.storage import get_storage
from shop.sharing.images import current_keys, site_card
from tests.factories import ExhibitionFactory
from tests.functional.sharing.test_page_metadata import BASE, one, parse

PAGES = {
    "/": ("home", "Produk lokal, langsung dari kelompok pembuatnya"),
    "/katalog": ("catalogue", "Katalog produk"),
    "/kelompok": ("groups", "Kelompok usaha masyarakat"),
    "/pameran": ("exhibitions", "Pameran virtual"),
}


@pytest.fixture
def media_root(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path / "media"))


@pytest.mark.parametrize("path", PAGES)
def test_list_pages_have_a_share_image_that_answers(client, media_root, path):
    page_name, alt = PAGES[path]
    page = parse(client.get(path))
    image = one(page, "og:image")
    assert image.startswith(f"{BASE}/bagikan/situs/{page_name}/id/") and image.endswith(".jpg")
    assert one(page, "og:image:type") == "image/jpeg"
    assert (one(page, "og:image:width"), one(page, "og:image:height")) == ("1200", "630")
    assert one(page, "og:image:alt") == alt
    assert one(page, "twitter:image") == image
    assert one(page, "twitter:card") == "summary_large_image"

    response = client.get(image.removeprefix(BASE))
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert "immutable" in response.headers["Cache-Control"]
    with PILImage.open(io.BytesIO(response.data)) as picture:
        assert picture.format == "JPEG" and picture.size == (1200, 630)
    # Drawn once into the storage, where the other share images are.
    key = image.rsplit("/", 1)[1].removesuffix(".jpg")
    assert get_storage().exists(f"share/{key[:2]}/{key}.jpg")


def test_each_language_has_its_own_picture(client, media_root):
    indonesian = one(parse(client.get("/katalog")), "og:image")
    english = parse(client.get("/katalog?hl=en"))
    assert one(english, "og:image") != indonesian
    assert one(english, "og:image:alt") == "Product catalogue"
    assert client.get(one(english, "og:image").removeprefix(BASE)).status_code == 200


def test_an_old_key_redirects_and_an_unknown_page_is_404(client, media_root):
    old = client.get("/bagikan/situs/catalogue/en/" + "0" * 32 + ".jpg")
    assert old.status_code == 302
    assert old.location == one(parse(client.get("/katalog?hl=en")), "og:image").removeprefix(BASE)
    assert client.get("/bagikan/situs/rahasia/id/" + "0" * 32 + ".jpg").status_code == 404
    assert client.get("/bagikan/situs/catalogue/fr/" + "0" * 32 + ".jpg").status_code == 404


def test_an_exhibition_without_a_banner_and_the_order_lookup_show_the_site_card(client):
    ExhibitionFactory(
        slug="pameran-polos",
        title="Pameran Polos",
        ends_on=date.today() + timedelta(days=3),
        is_published=True,
    )
    exhibition = parse(client.get("/pameran/pameran-polos"))
    assert one(exhibition, "og:image").startswith(f"{BASE}/bagikan/situs/exhibitions/")
    assert one(exhibition, "og:image:alt") == "Pameran virtual"
    lookup = parse(client.get("/lacak"))
    assert one(lookup, "og:image").startswith(f"{BASE}/bagikan/situs/home/")


def test_the_sweep_keeps_the_site_cards(app_ctx):
    keys = current_keys()
    assert {site_card(page).key for page in ("home", "catalogue", "groups", "exhibitions")} <= keys
