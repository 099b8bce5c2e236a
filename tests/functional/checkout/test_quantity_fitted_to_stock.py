"""More than the stock left, asked for when adding, changing the cart or at
checkout, becomes the stock left, and the buyer is told so in words."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from shop.catalogue.services import refresh_derived
from shop.extensions import db
from shop.orders.models import Order, OrderLine
from tests.factories import GroupFactory, ProductFactory, VariantFactory

ORIGIN = {"Origin": "http://localhost"}
TOLD = "Abon Lele (100 g): stok tinggal 3; jumlah diubah menjadi 3."


@pytest.fixture
def abon():
    group = GroupFactory(name="Kelompok Abon")
    product = ProductFactory(group=group, name="Abon Lele")
    variant = VariantFactory(product=product, label="100 g", price=25000, stock=3)
    refresh_derived(product)
    return variant


def add(client, variant, quantity):
    return client.post(
        "/keranjang/tambah",
        data={"variant": str(variant.id), "quantity": str(quantity)},
        csrf=False,
        headers=ORIGIN,
    )


def cart_quantity(html: str, variant) -> int:
    return int(re.search(rf'id="qty-{variant.id}"[^>]*value="(\d+)"', html).group(1))


def field(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1).replace("&#34;", '"')


def test_adding_more_than_the_stock_puts_what_is_left_in_the_cart(client, abon):
    response = add(client, abon, 5)
    assert response.status_code == 302
    cart = client.get(response.headers["Location"]).get_data(as_text=True)
    assert TOLD in cart
    assert cart_quantity(cart, abon) == 3


def test_adding_again_past_the_stock_keeps_the_stock_and_says_so(client, abon):
    add(client, abon, 2)
    cart = client.get(add(client, abon, 2).headers["Location"]).get_data(as_text=True)
    assert TOLD in cart and cart_quantity(cart, abon) == 3


def test_changing_the_quantity_in_the_cart_past_the_stock(client, abon):
    add(client, abon, 1)
    client.get("/keranjang")
    response = client.post("/keranjang/ubah", data={"variant": str(abon.id), "quantity": "9"})
    cart = client.get(response.headers["Location"]).get_data(as_text=True)
    assert TOLD in cart and cart_quantity(cart, abon) == 3


def test_within_the_stock_nothing_is_said(client, abon):
    cart = client.get(add(client, abon, 3).headers["Location"]).get_data(as_text=True)
    assert "stok tinggal" not in cart and cart_quantity(cart, abon) == 3


def test_less_than_the_minimum_left_is_still_sold_out(client, abon):
    abon.min_order_qty = 4
    db.session.flush()
    response = add(client, abon, 5)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "habis" in page.lower()
    assert 'class="cart-line"' not in client.get("/keranjang").get_data(as_text=True)


def _checkout_form(page: str, group) -> dict:
    return {
        "cart_id": field(page, "cart_id"),
        "cart_version": field(page, "cart_version"),
        "quoted": field(page, "quoted"),
        "name": "Bu Ani",
        "phone": "0812-3456-7890",
        "province": "15",
        "regency": "15.71",
        f"delivery-{group.id}": "pickup",
        f"payment-{group.id}": "cash",
    }


def test_stock_sold_elsewhere_before_checkout_is_fitted_on_the_checkout_page(client, abon):
    abon.stock = 5
    db.session.commit()
    add(client, abon, 5)
    abon.stock = 3  # sold at the market meanwhile
    db.session.commit()
    page = client.get("/checkout")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert TOLD in body and "Rp75.000" in body  # 3 × Rp25.000
    response = client.post("/checkout", data=_checkout_form(body, abon.product.group))
    assert response.status_code == 303
    line = db.session.scalar(select(OrderLine))
    assert line.quantity == 3


def test_stock_sold_while_the_checkout_page_was_open_asks_to_confirm_again(client, abon):
    abon.stock = 5
    db.session.commit()
    add(client, abon, 5)
    page = client.get("/checkout").get_data(as_text=True)
    form = _checkout_form(page, abon.product.group)
    abon.stock = 3
    db.session.commit()
    again = client.post("/checkout", data=form)
    body = again.get_data(as_text=True)
    # The checkout page again, with the buyer's details and the new quantity.
    assert again.status_code == 200
    assert TOLD in body and "Rp75.000" in body and 'value="Bu Ani"' in body
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    placed = client.post("/checkout", data=_checkout_form(body, abon.product.group))
    assert placed.status_code == 303
    assert db.session.scalar(select(OrderLine)).quantity == 3
