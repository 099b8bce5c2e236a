"""A guest fills one cart from two groups and checks out, as in a browser."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from shop.catalogue.models import Variant
from shop.catalogue.services import refresh_derived
from shop.extensions import db
from shop.orders.models import Order
from tests.factories import GroupFactory, ProductFactory, VariantFactory

ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
def shop():
    a = GroupFactory(name="Kelompok Abon", offers_local_delivery=True, local_delivery_fee=5000)
    b = GroupFactory(name="Kelompok Rajut")
    abon = ProductFactory(group=a, name="Abon Lele")
    tas = ProductFactory(group=b, name="Tas Rajut")
    v_abon = VariantFactory(product=abon, price=25000, stock=3, min_order_qty=1)
    v_tas = VariantFactory(product=tas, price=150000, stock=None, min_order_qty=2)
    refresh_derived(abon)
    refresh_derived(tas)
    return a, b, v_abon, v_tas


def add(client, variant, quantity, **headers):
    return client.open(
        "/keranjang/tambah",
        method="POST",
        data={"variant": str(variant.id), "quantity": str(quantity)},
        headers=headers,
    )


def field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    assert match, name
    return match.group(1).replace("&#34;", '"')


def checkout_form(page: str, **choices: str) -> dict[str, str]:
    """What a buyer posts from the checkout page: the page's cart version,
    Bu Ani's details in Kota Jambi, and `choices` (delivery-<id>, payment-<id>)."""
    return {
        "cart_id": field(page, "cart_id"),
        "cart_version": field(page, "cart_version"),
        "quoted": field(page, "quoted"),
        "name": "Bu Ani",
        "phone": "0812-3456-7890",
        "province": "15",
        "regency": "15.71",
        **choices,
    }


def test_add_to_cart_needs_a_token_or_this_sites_origin(client, shop):
    _, _, v_abon, _ = shop
    assert add(client, v_abon, 1).status_code == 400
    assert add(client, v_abon, 1, Origin="https://evil.example").status_code == 400
    assert add(client, v_abon, 1, **ORIGIN).status_code == 302
    assert "Abon Lele" in client.get("/keranjang").get_data(as_text=True)


def test_cart_rules_minimum_and_stock(client, shop):
    _, _, v_abon, v_tas = shop
    refused = client.get(add(client, v_tas, 1, **ORIGIN).headers["Location"])
    assert "Tas Rajut" in refused.get_data(as_text=True)  # the message names it
    assert 'class="cart-line"' not in client.get("/keranjang").get_data(as_text=True)
    # More than the 3 in stock: the 3 left are in the cart, and the buyer is told.
    body = client.get(add(client, v_abon, 4, **ORIGIN).headers["Location"]).get_data(as_text=True)
    assert "Abon Lele" in body and "tinggal 3; jumlah diubah menjadi 3" in body
    assert "× 3 =" in body


def test_two_groups_two_orders_once(client, shop):
    a, b, v_abon, v_tas = shop
    add(client, v_abon, 2, **ORIGIN)
    add(client, v_tas, 2, **ORIGIN)
    cart = client.get("/keranjang").get_data(as_text=True)
    assert "Kelompok Abon" in cart and "Kelompok Rajut" in cart
    page = client.get("/checkout").get_data(as_text=True)
    form = {
        "cart_id": field(page, "cart_id"),
        "cart_version": field(page, "cart_version"),
        "quoted": field(page, "quoted"),
        "name": "Bu Ani",
        "phone": "0812-3456-7890",
        "province": "15",
        "regency": "15.71",
        "address": "Jl. Kenanga 5",
        f"delivery-{a.id}": "local",
        f"payment-{a.id}": "transfer",
        f"delivery-{b.id}": "pickup",
        f"payment-{b.id}": "cash",
    }
    first = client.post("/checkout", data=form)
    assert first.status_code == 303
    again = client.post("/checkout", data=form)  # reload of the POST
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Order)) == 2
    confirmation = client.get(first.headers["Location"]).get_data(as_text=True)
    assert confirmation.count("/lacak/ET-") == 2
    order_a = db.session.scalar(select(Order).where(Order.group_id == a.id))
    assert order_a.total == 2 * 25000 + 5000 + order_a.unique_code
    assert f"Rp{order_a.total // 1000}.{order_a.total % 1000:03d}" in confirmation
    assert db.session.get(Variant, v_abon.id).stock == 1
    assert "kosong" in client.get("/keranjang").get_data(as_text=True).lower()


def test_changed_price_is_shown_before_confirming(client, shop):
    a, _, v_abon, _ = shop
    add(client, v_abon, 1, **ORIGIN)
    page = client.get("/checkout").get_data(as_text=True)
    v_abon.price = 27000
    db.session.commit()
    response = client.post(
        "/checkout",
        data={
            "cart_id": field(page, "cart_id"),
            "cart_version": field(page, "cart_version"),
            "quoted": field(page, "quoted"),
            "name": "Bu Ani",
            "phone": "0812-3456-7890",
            "province": "15",
            "regency": "15.71",
            f"delivery-{a.id}": "pickup",
            f"payment-{a.id}": "cash",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Rp27.000" in body
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_tracking_link_and_lookup(client, shop):
    a, _, v_abon, _ = shop
    add(client, v_abon, 1, **ORIGIN)
    page = client.get("/checkout").get_data(as_text=True)
    client.post(
        "/checkout",
        data={
            "cart_id": field(page, "cart_id"),
            "cart_version": field(page, "cart_version"),
            "quoted": field(page, "quoted"),
            "name": "Bu Ani",
            "phone": "0812-3456-7890",
            "province": "15",
            "regency": "15.71",
            f"delivery-{a.id}": "pickup",
            f"payment-{a.id}": "cash",
        },
    )
    order = db.session.scalar(select(Order))
    page = client.get(f"/lacak/{order.number}/{order.tracking_token}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Chat penjual via WhatsApp" in body
    assert "https://wa.me/6281234567890?text=" in body and order.number in body
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert client.get(f"/lacak/{order.number}/{order.tracking_token[:-1]}x").status_code == 404
    found = client.post("/lacak", data={"number": order.number, "phone": "+62 812 3456 7890"})
    assert found.status_code == 303 and order.tracking_token in found.headers["Location"]
    wrong = client.post("/lacak", data={"number": order.number, "phone": "0812 0000 0000"})
    assert wrong.status_code == 200
