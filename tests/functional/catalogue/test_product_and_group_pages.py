"""The product and group pages: a fixed number of statements whatever they
show, and their bodies (kept as fragments per state) never stale."""

import pytest

from shop.catalogue.models import CertificateKind
from shop.catalogue.services import refresh_derived
from shop.extensions import db
from shop.groups.models import Verification
from tests.factories import GroupFactory, listed_product
from tests.factories.catalogue import (
    ProductCertificateFactory,
    ProductPhotoFactory,
    VariantFactory,
)


@pytest.fixture
def rendered(app):
    """Every request renders the page (the page cache is off)."""
    app.config["TESTING_NO_PAGE_CACHE"] = True
    yield
    app.config["TESTING_NO_PAGE_CACHE"] = False


def statements(client, count_queries, url):
    with count_queries() as q:
        assert client.get(url).status_code == 200
    return q.count


def test_product_page_statements_do_not_grow_with_photos_variants_certificates(
    client, count_queries, rendered
):
    plain = listed_product("Abon Polos")
    rich = listed_product(
        "Abon Lengkap",
        variants=[{"label": f"{n}00 g", "price": 10000 * n, "stock": n} for n in range(1, 5)],
        pirt_number="P-1",
        halal_number="H-1",
    )
    for n in range(5):
        ProductPhotoFactory(product=rich, position=n, alt_text=f"Foto {n}")
    ProductCertificateFactory(product=rich, kind=CertificateKind.PIRT)
    ProductCertificateFactory(product=rich, kind=CertificateKind.HALAL, days=30)
    db.session.commit()
    few = statements(client, count_queries, f"/k/{plain.group.slug}/{plain.slug}")
    many = statements(client, count_queries, f"/k/{rich.group.slug}/{rich.slug}")
    assert many == few
    assert few <= 2


def test_group_page_statements_do_not_grow_with_products(client, count_queries, rendered):
    group = GroupFactory()
    listed_product("Satu", group=group)
    db.session.commit()
    few = statements(client, count_queries, f"/k/{group.slug}")
    for n in range(30):
        listed_product(f"Produk {n}", group=group)
    db.session.commit()
    assert statements(client, count_queries, f"/k/{group.slug}") == few
    assert statements(client, count_queries, f"/k/{group.slug}?page=2") == few
    assert few <= 4


def test_group_page_counts_and_pages_its_products(client, rendered):
    group = GroupFactory()
    for n in range(30):
        listed_product(f"Kerupuk {n:02d}", group=group)
    db.session.commit()
    first = client.get(f"/k/{group.slug}").get_data(as_text=True)
    second = client.get(f"/k/{group.slug}?page=2").get_data(as_text=True)
    beyond = client.get(f"/k/{group.slug}?page=9")
    assert first.count('product-card"') == 24
    assert second.count('product-card"') == 6
    assert f'href="/k/{group.slug}?page=2"' in first
    assert beyond.status_code == 200
    assert 'product-card"' not in beyond.get_data(as_text=True)


def test_product_page_shows_each_change_on_the_next_request(client, rendered):
    group = GroupFactory(story="Cerita lama.")
    product = listed_product("Kerupuk Lele", group=group, price=25000, stock=10)
    db.session.commit()
    url = f"/k/{group.slug}/{product.slug}"
    assert "Rp25.000" in client.get(url).get_data(as_text=True)

    variant = product.variants[0]
    variant.price = 27500
    refresh_derived(product)
    db.session.commit()
    assert "Rp27.500" in client.get(url).get_data(as_text=True)

    variant.label = "150 g"  # the variant alone: the product's row is the same
    db.session.commit()
    assert '<th scope="row">150 g</th>' in client.get(url).get_data(as_text=True)

    variant.stock = 0
    refresh_derived(product)
    db.session.commit()
    body = client.get(url).get_data(as_text=True)
    assert "Stok habis" in body

    VariantFactory(product=product, label="250 g", price=60000, stock=3)
    refresh_derived(product)
    db.session.commit()
    assert "250 g" in client.get(url).get_data(as_text=True)

    group.story = "Cerita baru."
    group.verification = Verification.VERIFIED
    db.session.commit()
    body = client.get(url).get_data(as_text=True)
    assert "Cerita baru." in body and "Cerita lama." not in body
    assert "badge-ok" in body


def test_group_page_shows_each_change_on_the_next_request(client, rendered):
    group = GroupFactory(story="Cerita lama.", member_count=5)
    listed_product("Dodol", group=group)
    db.session.commit()
    url = f"/k/{group.slug}"
    assert "Cerita lama." in client.get(url).get_data(as_text=True)
    group.story = "Cerita baru."
    group.member_count = 12
    db.session.commit()
    body = client.get(url).get_data(as_text=True)
    assert "Cerita baru." in body and "Cerita lama." not in body
    assert "<dd>12</dd>" in body
