"""Buyers order within a pre-order round: they see its dates on the product,
group and cart pages; the capacity is taken at checkout and never exceeded,
comes back on cancellation; after the deadline nothing more is ordered."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from shop.extensions import db
from shop.orders import services as orders
from shop.orders.models import Order, OrderLine
from shop.rounds.models import RoundItem
from tests.functional.rounds.conftest import buy


def _taken(item_variant) -> int:
    return db.session.scalar(select(RoundItem.taken).where(RoundItem.variant_id == item_variant.id))


def test_the_product_group_and_cart_pages_show_the_rounds_dates(client, round_shop):
    shop = round_shop
    product = client.get(f"/k/{shop.group.slug}/{shop.nastar.slug}").get_data(as_text=True)
    assert "Pre-order: Kue Lebaran" in product
    last, ready = shop.round.last_order_day, shop.round.ready_on
    assert f"Pesan sampai {last.day} " in product and "23.59 WIB" in product
    assert f"siap {ready.day} " in product
    assert "Ambil di rumah Bu Ani" in product
    assert "sisa 5 di ronde ini" in product and "sisa 3 di ronde ini" in product
    # A product outside the round shows none of it.
    abon = client.get(f"/k/{shop.group.slug}/{shop.abon.slug}").get_data(as_text=True)
    assert "Kue Lebaran" not in abon

    group_page = client.get(f"/k/{shop.group.slug}").get_data(as_text=True)
    assert "Kue Lebaran" in group_page and "23.59 WIB" in group_page

    client.post(
        "/keranjang/tambah",
        data={"variant": str(shop.small.id), "quantity": "2"},
        headers={"Origin": "http://localhost"},
        csrf=False,
    )
    cart = client.get("/keranjang").get_data(as_text=True)
    assert "Pre-order: Kue Lebaran" in cart and "23.59 WIB" in cart


def test_an_order_in_the_round_takes_its_capacity(client, round_shop):
    shop = round_shop
    response = buy(client, shop.group, {shop.small: 2, shop.large: 1})
    assert response.status_code == 303
    assert _taken(shop.small) == 2 and _taken(shop.large) == 1
    lines = db.session.scalars(select(OrderLine).order_by(OrderLine.variant_id)).all()
    items = {i.variant_id: i.id for i in shop.round.items}
    assert [line.round_item_id for line in lines] == [items[shop.small.id], items[shop.large.id]]


def test_more_than_the_capacity_left_orders_nothing(app, client, round_shop):
    shop = round_shop
    assert buy(client, shop.group, {shop.large: 2}).status_code == 303
    other = app.test_client()
    refused = buy(other, shop.group, {shop.large: 2, shop.abon.variants[0]: 1}, name="Bu Tini")
    # Back to the cart, told why.
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/keranjang")
    body = other.get("/keranjang").get_data(as_text=True)
    assert "ronde pre-order Kue Lebaran hanya menyisakan 1" in body and "Toples 500 g" in body
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    assert _taken(shop.large) == 2
    assert shop.abon.variants[0].stock == 10  # the whole cart was rolled back
    # The one left can still be ordered.
    assert buy(app.test_client(), shop.group, {shop.large: 1}, name="Bu Rina").status_code == 303
    assert _taken(shop.large) == 3
    product = client.get(f"/k/{shop.group.slug}/{shop.nastar.slug}").get_data(as_text=True)
    assert "Penuh" in product


def test_cancelling_gives_the_capacity_back(client, round_shop):
    shop = round_shop
    buy(client, shop.group, {shop.small: 4})
    order = db.session.scalar(select(Order))
    orders.cancel_order(order, "Pembeli membatalkan.", by=shop.ketua)
    db.session.commit()
    assert _taken(shop.small) == 0


def test_after_the_deadline_nothing_is_ordered_in_the_round(client, clock, round_shop):
    shop = round_shop
    client.post(
        "/keranjang/tambah",
        data={"variant": str(shop.small.id), "quantity": "1"},
        headers={"Origin": "http://localhost"},
        csrf=False,
    )
    clock.move_to(shop.round.closes_at + timedelta(seconds=1))
    refused = buy(client, shop.group, {})
    assert refused.status_code == 302
    body = client.get("/keranjang").get_data(as_text=True)
    assert "Pesanan untuk Kue Lebaran sudah ditutup" in body
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert _taken(shop.small) == 0
