"""sitemap.xml: an index of chunked sitemaps listing only what the public
can see, at a constant number of queries; robots.txt points to it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from shop.catalogue.models import ProductStatus
from shop.db import utcnow
from shop.groups.models import GroupStatus
from tests.factories import ExhibitionFactory, GroupFactory, listed_product

BASE = "http://etalase.test"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


def make_exhibition(slug, published=True):
    return ExhibitionFactory(slug=slug, title=slug.title(), is_published=published)


def get_xml(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "application/xml"
    return ET.fromstring(response.get_data())


def index_locations(client) -> list[str]:
    root = get_xml(client, "/sitemap.xml")
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    return [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]


def all_urls(client) -> dict[str, ET.Element]:
    urls = {}
    for location in index_locations(client):
        assert location.startswith(BASE + "/sitemap-")
        root = get_xml(client, location.removeprefix(BASE))
        assert root.tag == f"{{{NS['sm']}}}urlset"
        for url in root.findall("sm:url", NS):
            loc = url.find("sm:loc", NS).text
            assert loc not in urls, f"{loc} listed twice"
            urls[loc] = url
    return urls


def test_sitemap_lists_only_public_things_with_lastmod_and_alternates(client):
    active = GroupFactory(slug="kelompok-terbuka")
    suspended = GroupFactory(slug="kelompok-ditangguhkan", status=GroupStatus.SUSPENDED)
    shown = listed_product("Abon Tampil", group=active, slug="abon-tampil")
    listed_product("Abon Draf", group=active, slug="abon-draf", status=ProductStatus.DRAFT)
    listed_product("Abon Sembunyi", group=active, slug="abon-sembunyi", hidden_at=utcnow())
    listed_product("Abon Tangguh", group=suspended, slug="abon-tangguh")
    make_exhibition("pameran-terbit")
    make_exhibition("pameran-draf", published=False)

    urls = all_urls(client)
    for path in ("/", "/katalog", "/kelompok", "/pameran"):
        assert BASE + path in urls
    assert f"{BASE}/k/kelompok-terbuka" in urls
    assert f"{BASE}/k/kelompok-terbuka/abon-tampil" in urls
    assert f"{BASE}/pameran/pameran-terbit" in urls
    listed = "\n".join(urls)
    for hidden in ("ditangguhkan", "abon-draf", "abon-sembunyi", "abon-tangguh", "pameran-draf"):
        assert hidden not in listed

    product_url = f"{BASE}/k/kelompok-terbuka/abon-tampil"
    entry = urls[product_url]
    lastmod = entry.find("sm:lastmod", NS).text
    assert lastmod.startswith(shown.updated_at.strftime("%Y-%m-%dT%H:%M"))
    alternates = {
        link.get("hreflang"): link.get("href") for link in entry.findall("xhtml:link", NS)
    }
    assert alternates == {
        "id": product_url,
        "en": product_url + "?hl=en",
        "x-default": product_url,
    }


def test_sitemap_is_chunked(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SITEMAP_CHUNK_SIZE", 2)
    group = GroupFactory()
    for n in range(5):
        listed_product(f"Kue {n}", group=group, slug=f"kue-{n}")
    locations = index_locations(client)
    product_chunks = [loc for loc in locations if "/sitemap-products-" in loc]
    assert product_chunks == [f"{BASE}/sitemap-products-{n}.xml" for n in (1, 2, 3)]
    pages = [loc for loc in locations if "/sitemap-pages-" in loc]
    assert pages == [f"{BASE}/sitemap-pages-1.xml", f"{BASE}/sitemap-pages-2.xml"]
    chunks = [get_xml(client, loc.removeprefix(BASE)) for loc in locations]
    sizes = [len(chunk.findall("sm:url", NS)) for chunk in chunks]
    assert max(sizes) <= 2
    urls = all_urls(client)
    assert sum("/k/" in u and "/kue-" in u for u in urls) == 5
    assert client.get("/sitemap-products-4.xml").status_code == 404
    assert client.get("/sitemap-products-0.xml").status_code == 404
    assert client.get("/sitemap-things-1.xml").status_code == 404


def test_sitemap_queries_do_not_grow_with_items(app, count_queries):
    def queries_for(path):
        visitor = app.test_client()  # no cookies; a fresh cache key each round below
        with count_queries() as q:
            assert visitor.get(path).status_code == 200
        return q.count

    group = GroupFactory()
    listed_product("Satu", group=group)
    make_exhibition("pameran-satu")
    before = {p: queries_for(p) for p in ("/sitemap.xml", "/sitemap-products-1.xml")}
    for n in range(12):
        listed_product(f"Lagi {n}", group=GroupFactory())
        make_exhibition(f"pameran-lagi-{n}")
    from shop.core.cache import invalidate_public_pages

    with app.app_context():
        invalidate_public_pages()
    after = {p: queries_for(p) for p in before}
    assert after == before
    assert after["/sitemap.xml"] <= 3 and after["/sitemap-products-1.xml"] <= 3


def test_robots_txt_lists_the_sitemap(client):
    body = client.get("/robots.txt").get_data(as_text=True)
    assert f"Sitemap: {BASE}/sitemap.xml" in body
    assert "Disallow: /kelola" in body


@pytest.mark.parametrize("language", ["id", "en"])
def test_sitemap_is_the_same_in_either_language(client, language):
    listed_product("Abon Bahasa")
    client.set_cookie("lang", language)
    assert any("/sitemap-products-1.xml" in loc for loc in index_locations(client))
