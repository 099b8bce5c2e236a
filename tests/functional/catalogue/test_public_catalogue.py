"""Buyers browse without an account: filters, sorting, paging, visibility."""

import pytest

from shop.catalogue.models import Category, ProductStatus
from shop.groups.models import GroupStatus, Programme
from tests.factories import GroupFactory, listed_product


def names(response):
    body = response.get_data(as_text=True)
    return body


def test_only_published_products_of_active_groups_are_listed(client):
    listed_product("Kerupuk Lele Renyah")
    listed_product("Keripik Draf", status=ProductStatus.DRAFT)
    listed_product("Kue Arsip", status=ProductStatus.ARCHIVED)
    listed_product("Abon Ditangguhkan", group=GroupFactory(status=GroupStatus.SUSPENDED))
    body = client.get("/katalog").get_data(as_text=True)
    assert "Kerupuk Lele Renyah" in body
    for hidden in ("Keripik Draf", "Kue Arsip", "Abon Ditangguhkan"):
        assert hidden not in body


def test_filters_category_programme_region_price_and_stock(client):
    jambi = GroupFactory(
        programme=Programme.UPPKA, province_code="15", regency_code="15.71", district_code=None
    )
    boyolali = GroupFactory(
        programme=Programme.JPS_TKM, province_code="33", regency_code="33.09", district_code=None
    )
    listed_product("Dodol Nanas", price=30000, group=jambi, category=Category.SNACKS)
    listed_product("Abon Lele Boyolali", price=45000, group=boyolali, category=Category.FOOD)
    listed_product("Tas Rajut Biru", price=150000, stock=0, group=jambi, category=Category.KNITTING)

    def listing(**params):
        return client.get("/katalog", query_string=params).get_data(as_text=True)

    assert "Dodol Nanas" in listing(kategori="makanan-ringan")
    assert "Abon Lele Boyolali" not in listing(kategori="makanan-ringan")
    assert "Abon Lele Boyolali" in listing(program="jps-tkm")
    assert "Dodol Nanas" not in listing(program="jps-tkm")
    assert "Abon Lele Boyolali" not in listing(provinsi="15")
    assert "Dodol Nanas" in listing(provinsi="15", kabupaten="15.71")
    cheap = listing(harga_max="40.000")
    assert "Dodol Nanas" in cheap and "Tas Rajut Biru" not in cheap
    assert "Tas Rajut Biru" in listing(harga_min="100000")
    assert "Tas Rajut Biru" not in listing(tersedia="1")


def test_sorting_by_price(client):
    listed_product("Produk Mahal", price=90000)
    listed_product("Produk Murah", price=10000)
    body = client.get("/katalog?urut=price_asc").get_data(as_text=True)
    assert body.index("Produk Murah") < body.index("Produk Mahal")
    body = client.get("/katalog?urut=price_desc").get_data(as_text=True)
    assert body.index("Produk Mahal") < body.index("Produk Murah")


def test_pagination(app, client):
    group = GroupFactory()
    for n in range(30):
        listed_product(f"Kue Kering Nomor {n:02d}", group=group)
    first = client.get("/katalog").get_data(as_text=True)
    second = client.get("/katalog?page=2").get_data(as_text=True)
    assert "Halaman 1 dari 2" in first
    assert first.count('class="card product-card"') == app.config["CATALOGUE_PAGE_SIZE"]
    assert second.count('class="card product-card"') == 30 - app.config["CATALOGUE_PAGE_SIZE"]
    assert client.get("/katalog?page=abc").status_code == 200
    assert client.get("/katalog?page=-5").status_code == 200


@pytest.mark.parametrize(
    "query",
    ["'; DROP TABLE product; --", '"', "NEAR(", "kripik OR", "a" * 5000, "🐟 lele", "%_", "-abon"],
)
def test_hostile_search_and_filter_input_never_fails(client, query):
    listed_product("Keripik Pisang Manis")
    response = client.get(
        "/katalog",
        query_string={
            "q": query,
            "harga_min": query[:20],
            "provinsi": query[:5],
            "urut": query[:9],
        },
    )
    assert response.status_code == 200


def test_search_finds_spelling_variants(client):
    listed_product("Keripik Pisang Manis")
    listed_product("Tas Rajut Biru", category=Category.KNITTING)
    assert "Keripik Pisang Manis" in client.get("/katalog?q=kripik").get_data(as_text=True)
    assert "Tas Rajut Biru" in client.get("/katalog?q=rajutan").get_data(as_text=True)


def test_product_page_has_whatsapp_link_with_name_and_url(client):
    group = GroupFactory(whatsapp="+6281234567890")
    product = listed_product("Kerupuk Lele Original", group=group)
    body = client.get(f"/k/{group.slug}/{product.slug}").get_data(as_text=True)
    assert "https://wa.me/6281234567890?text=" in body
    assert "Kerupuk%20Lele%20Original" in body
    assert f"etalase.test/k/{group.slug}/{product.slug}" in body.replace("%3A", ":").replace(
        "%2F", "/"
    )


def test_query_counts_do_not_grow_with_page_size(app, client, count_queries):
    """Catalogue, group and home pages run a fixed number of statements."""
    group = GroupFactory()
    for n in range(3):
        listed_product(f"Sedikit {n}", group=group)
    app.config["TESTING_NO_PAGE_CACHE"] = True
    try:
        urls = ["/katalog", f"/k/{group.slug}", "/", "/kelompok", "/katalog?q=sedikit"]
        small = {}
        for url in urls:
            with count_queries() as q:
                assert client.get(url).status_code == 200
            small[url] = q.count
        for n in range(21):
            listed_product(f"Banyak {n}", group=GroupFactory() if n % 2 else group)
        for url in urls:
            with count_queries() as q:
                assert client.get(url).status_code == 200
            assert q.count == small[url], (url, q.statements)
            assert q.count <= 8, (url, q.statements)
        product = listed_product("Produk Detail", group=group)
        with count_queries() as q:
            client.get(f"/k/{group.slug}/{product.slug}")
        assert q.count <= 6, q.statements
    finally:
        app.config["TESTING_NO_PAGE_CACHE"] = False


def test_a_catalogue_page_is_one_statement_its_cards_with_their_count(app, client, count_queries):
    group = GroupFactory()
    for n in range(30):
        listed_product(f"Kue {n}", group=group)
    app.config["TESTING_NO_PAGE_CACHE"] = True
    try:
        client.get("/katalog?kategori=kue")  # the region lists, read once per process
        for url in ("/katalog", "/katalog?page=2&urut=price_asc", "/katalog?urut=name&page=2"):
            with count_queries() as q:
                body = client.get(url).get_data(as_text=True)
            selects = [s for s in q.statements if s.lstrip().upper().startswith("SELECT")]
            assert len(selects) == 1, (url, selects)
            assert "Kue " in body and "30 produk" in body
        with count_queries() as q:  # past the last page: the count alone tells
            body = client.get("/katalog?page=9").get_data(as_text=True)
        assert "30 produk" in body
    finally:
        app.config["TESTING_NO_PAGE_CACHE"] = False
