"""Site-wide behaviour: language, headers, caching, errors, small files."""

from shop.catalogue.services import refresh_derived
from tests.factories import GroupFactory, MembershipFactory, ProductFactory, VariantFactory


def test_indonesian_by_default_english_on_request(client):
    assert 'lang="id"' in client.get("/").get_data(as_text=True)
    response = client.get("/bahasa/en?next=/katalog")
    assert response.status_code == 302 and response.headers["Location"].endswith("/katalog")
    body = client.get("/katalog").get_data(as_text=True)
    assert 'lang="en"' in body and "Catalogue" in body
    client.get("/bahasa/id")
    assert "Katalog" in client.get("/katalog").get_data(as_text=True)


def test_language_switch_does_not_redirect_offsite(client):
    response = client.get("/bahasa/en?next=https://evil.example/")
    assert "evil.example" not in response.headers["Location"]


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_inline_scripts_on_pages(client):
    group = GroupFactory()
    body = client.get(f"/k/{group.slug}").get_data(as_text=True) + client.get("/").get_data(
        as_text=True
    )
    assert "<script>" not in body and " onclick=" not in body and "style=" not in body


def test_rupiah_format(app):
    from shop.i18n.formatting import rupiah

    with app.app_context(), app.test_request_context():
        assert rupiah(25000) == "Rp25.000"
        assert rupiah(1250000) == "Rp1.250.000"
    with app.app_context(), app.test_request_context(headers={"Cookie": "lang=en"}):
        assert rupiah(25000) == "Rp25,000"


def test_dates_are_shown_in_jakarta_time(app):
    from datetime import UTC, datetime

    from shop.i18n.formatting import moment

    with app.app_context(), app.test_request_context():
        assert moment(datetime(2026, 11, 1, 14, 5, tzinfo=UTC)) == "1 Nov 2026, 21.05"


def test_page_cache_is_per_language_and_skipped_for_members(client, login_as):
    group = GroupFactory()
    product = ProductFactory(group=group, name="Kerupuk Cache")
    VariantFactory(product=product)
    refresh_derived(product)
    assert "Katalog" in client.get("/katalog").get_data(as_text=True)
    client.get("/bahasa/en")
    assert "Catalogue" in client.get("/katalog").get_data(as_text=True)
    client.get("/bahasa/id")
    membership = MembershipFactory()
    login_as(membership.user)
    body = client.get("/katalog").get_data(as_text=True)
    assert "csrf_token" in body  # the logged-in page has a logout form...
    client.post("/keluar")
    client.get("/", headers={})
    anon = client.get("/katalog").get_data(as_text=True)
    assert membership.user.name not in anon  # ...and it never reaches anonymous visitors


def test_published_change_shows_at_once_despite_cache(app, client, login_as):
    membership = MembershipFactory()
    product = ProductFactory(group=membership.group, name="Kue Nastar Lama")
    VariantFactory(product=product)
    refresh_derived(product)
    buyer = app.test_client()
    assert "Kue Nastar Lama" in buyer.get("/katalog").get_data(as_text=True)
    cached = buyer.get("/katalog")
    assert "Kue Nastar Lama" in cached.get_data(as_text=True)
    assert "Set-Cookie" not in cached.headers
    login_as(membership.user)
    client.post(
        f"/kelola/{membership.group.slug}/produk/{product.id}/status",
        data={"status": "archived"},
    )
    assert "Kue Nastar Lama" not in buyer.get("/katalog").get_data(as_text=True)


def test_error_pages_are_friendly(client):
    response = client.get("/tidak-ada-halaman")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


def test_favicon_and_robots(client):
    assert client.get("/favicon.ico").status_code == 200
    assert "Disallow: /kelola" in client.get("/robots.txt").get_data(as_text=True)


def test_static_files_are_cacheable_by_everyone(client):
    response = client.get("/static/css/app.css?v=1")
    assert response.status_code == 200
    assert "Cookie" not in response.headers.get("Vary", "")
    assert "max-age=31536000" in response.headers["Cache-Control"]


def test_cached_page_is_served_without_queries_and_per_language(app, count_queries):
    product = ProductFactory(name="Abon Cache")
    VariantFactory(product=product)
    refresh_derived(product)
    buyer = app.test_client()
    first = buyer.get("/katalog")
    with count_queries() as q:
        again = buyer.get("/katalog")
    assert q.count == 0
    assert again.get_data() == first.get_data()
    assert "X-Etalase-Page-Cache" not in again.headers
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    english = app.test_client()
    english.set_cookie("lang", "en")
    assert "Catalogue" in english.get("/katalog").get_data(as_text=True)
    assert "Katalog<" in buyer.get("/katalog").get_data(as_text=True)
