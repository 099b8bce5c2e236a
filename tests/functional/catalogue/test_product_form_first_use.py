"""The product form as a first-time group member meets it: a shelf life in
days, weeks or months, shown back as entered and in words on the product
page; a second product with a name already used is asked about first."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from shop.catalogue.models import Product, ProductStatus, ShelfLifeUnit
from shop.extensions import db
from tests.factories import MembershipFactory, ProductFactory, VariantFactory

PRODUCT = {
    "name": "Abon Lele Pedas",
    "category": "makanan",
    "variants-0-label": "100 g",
    "variants-0-price": "25.000",
    "variants-0-stock_mode": "stock",
    "variants-0-stock": "40",
    "variants-0-min_order_qty": "1",
}


def _products(group) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Product).where(Product.group_id == group.id)
    )


def _selected(html: str, name: str) -> str:
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    return re.search(r'<option selected value="([^"]*)"', select_html).group(1)


def _value(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html).group(1)


def test_shelf_life_in_weeks_is_kept_in_days_and_shown_back_in_weeks(client, login_as):
    membership = MembershipFactory()
    login_as(membership.user)
    slug = membership.group.slug
    form = client.get(f"/kelola/{slug}/produk/baru").get_data(as_text=True)
    assert _selected(form, "shelf_life_unit") == "hari"  # days unless chosen
    response = client.post(
        f"/kelola/{slug}/produk/baru",
        data={**PRODUCT, "shelf_life": "2", "shelf_life_unit": "minggu", "publish": "1"},
    )
    assert response.status_code == 302
    product = db.session.scalar(select(Product).where(Product.name == "Abon Lele Pedas"))
    assert (product.shelf_life_days, product.shelf_life_unit) == (14, ShelfLifeUnit.WEEK)

    edit = client.get(response.headers["Location"]).get_data(as_text=True)
    assert _value(edit, "shelf_life") == "2"
    assert _selected(edit, "shelf_life_unit") == "minggu"
    page = client.get(f"/k/{slug}/{product.slug}").get_data(as_text=True)
    assert re.search(r"Masa simpan</th>\s*<td[^>]*>2 minggu</td>", page)
    client.set_cookie("lang", "en")
    page = client.get(f"/k/{slug}/{product.slug}").get_data(as_text=True)
    assert re.search(r"Shelf life</th>\s*<td[^>]*>2 weeks</td>", page)


def test_months_are_counted_as_30_days_for_consignment(client, login_as):
    membership = MembershipFactory()
    login_as(membership.user)
    client.post(
        f"/kelola/{membership.group.slug}/produk/baru",
        data={**PRODUCT, "shelf_life": "6", "shelf_life_unit": "bulan"},
    )
    product = db.session.scalar(select(Product).where(Product.name == "Abon Lele Pedas"))
    assert (product.shelf_life_days, product.shelf_life_unit) == (180, ShelfLifeUnit.MONTH)
    assert product.shelf_life_text() == "6 bulan"


def test_a_product_saved_in_days_keeps_its_days(client, login_as):
    membership = MembershipFactory()
    product = ProductFactory(group=membership.group, shelf_life_days=90, shelf_life_unit=None)
    variant = VariantFactory(product=product)
    login_as(membership.user)
    url = f"/kelola/{membership.group.slug}/produk/{product.id}"
    edit = client.get(url).get_data(as_text=True)
    assert _value(edit, "shelf_life") == "90"
    assert _selected(edit, "shelf_life_unit") == "hari"
    # Saved again as the page shows it: still 90 days.
    data = {
        **PRODUCT,
        "name": product.name,
        "variants-0-id": str(variant.id),
        "shelf_life": "90",
        "shelf_life_unit": "hari",
    }
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(product)
    assert (product.shelf_life_days, product.shelf_life_unit) == (90, ShelfLifeUnit.DAY)


def test_a_shelf_life_over_ten_years_is_refused_with_a_message(client, login_as):
    membership = MembershipFactory()
    login_as(membership.user)
    response = client.post(
        f"/kelola/{membership.group.slug}/produk/baru",
        data={**PRODUCT, "shelf_life": "11", "shelf_life_unit": "bulan", "name": "Abon Awet"},
    )
    assert response.status_code == 302  # 330 days is fine
    response = client.post(
        f"/kelola/{membership.group.slug}/produk/baru",
        data={**PRODUCT, "shelf_life": "130", "shelf_life_unit": "bulan", "name": "Abon Abadi"},
    )
    assert "Masa simpan paling lama 10 tahun." in response.get_data(as_text=True)
    assert db.session.scalar(select(Product).where(Product.name == "Abon Abadi")) is None


def test_a_second_product_with_the_same_name_is_asked_about_not_silently_renamed(client, login_as):
    membership = MembershipFactory()
    group = membership.group
    first = ProductFactory(group=group, name="Abon Lele Pedas", slug="abon-lele-pedas")
    login_as(membership.user)
    before = _products(group)
    # Another spelling of the same name ("abon lele  pedas!") is the same name.
    for typed in ("Abon Lele Pedas", "abon lele  PEDAS!"):
        response = client.post(f"/kelola/{group.slug}/produk/baru", data={**PRODUCT, "name": typed})
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Kelompok Anda sudah punya produk dengan nama ini." in body
        assert f'href="/kelola/{group.slug}/produk/{first.id}"' in body  # a link to it
        assert 'name="same_name_ok"' in body
        assert _products(group) == before  # nothing saved

    confirmed = client.post(
        f"/kelola/{group.slug}/produk/baru", data={**PRODUCT, "same_name_ok": "y"}
    )
    assert confirmed.status_code == 302
    assert _products(group) == before + 1
    second = db.session.scalar(
        select(Product).where(Product.group_id == group.id, Product.id != first.id)
    )
    assert second.name == "Abon Lele Pedas" and second.slug == "abon-lele-pedas-2"


def test_a_new_name_and_another_groups_product_raise_no_question(client, login_as):
    membership = MembershipFactory()
    ProductFactory(name="Abon Lele Pedas", slug="abon-lele-pedas")  # another group's
    ProductFactory(group=membership.group, name="Kerupuk Lele")
    login_as(membership.user)
    response = client.post(f"/kelola/{membership.group.slug}/produk/baru", data=PRODUCT)
    assert response.status_code == 302


def test_renaming_to_another_products_name_is_asked_about_keeping_ones_own_is_not(client, login_as):
    membership = MembershipFactory()
    group = membership.group
    ProductFactory(group=group, name="Kerupuk Lele", status=ProductStatus.ARCHIVED)
    product = ProductFactory(group=group, name="Abon Lele Pedas")
    variant = VariantFactory(product=product)
    login_as(membership.user)
    url = f"/kelola/{group.slug}/produk/{product.id}"
    data = {**PRODUCT, "variants-0-id": str(variant.id)}
    assert client.post(url, data=data).status_code == 302  # its own name
    renamed = client.post(url, data={**data, "name": "Kerupuk Lele"})
    body = renamed.get_data(as_text=True)
    assert renamed.status_code == 200 and "Diarsipkan" in body  # the other one's status
    db.session.refresh(product)
    assert product.name == "Abon Lele Pedas"
    assert (
        client.post(url, data={**data, "name": "Kerupuk Lele", "same_name_ok": "y"}).status_code
        == 302
    )
    db.session.refresh(product)
    assert product.name == "Kerupuk Lele"
