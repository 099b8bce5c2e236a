"""A courier order whose fee the group has not set yet shows the products'
total and "+ shipping to follow" (Indonesian "+ ongkos kirim menyusul")
wherever a total is shown: the buyer's pages, the group's inbox and order
page, the emails, the WhatsApp text; and the cart and checkout of a group
that only ships by courier."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest

from shop.catalogue.services import refresh_derived
from shop.groups.models import AlertKind, DeliveryMethod
from shop.orders.alerts import notify_buyer, notify_new_order
from shop.orders.whatsapp import order_message
from shop.orders.whatsapp_alerts import buyer_alert, group_alerts
from tests.factories import GroupFactory, MembershipFactory, ProductFactory, VariantFactory
from tests.functional.checkout.test_cart_and_checkout import ORIGIN, add

TO_FOLLOW = "Rp50,000 + shipping to follow"
MENYUSUL = "Rp50.000 + ongkos kirim menyusul"


def text(html: str) -> str:
    """The page's words, tags dropped, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def courier_order(group, member, order_factory):
    return order_factory(
        group,
        delivery=DeliveryMethod.COURIER,
        shipping_fee=None,
        buyer=member.user,
        buyer_email="siti@example.test",
        locale="en",
    )


def test_the_buyer_pages_show_the_products_total_and_shipping_to_follow(client, courier_order):
    order = courier_order
    for path in (
        f"/lacak/{order.number}/{order.tracking_token}",
        f"/pesanan/{order.checkout.key}",
        "/akun/pesanan",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert TO_FOLLOW in text(page.get_data(as_text=True)), path


def test_in_indonesian_it_reads_ongkos_kirim_menyusul(client, courier_order):
    client.get("/bahasa/id")
    page = client.get(f"/lacak/{courier_order.number}/{courier_order.tracking_token}")
    assert MENYUSUL in text(page.get_data(as_text=True))


def test_the_group_inbox_and_order_page_show_it(client, group, courier_order):
    for path in (
        f"/kelola/{group.slug}/pesanan",
        f"/kelola/{group.slug}/pesanan/{courier_order.number}",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert TO_FOLLOW in text(page.get_data(as_text=True)), path


def test_emails_and_the_whatsapp_text_show_it(app, courier_order, group):
    MembershipFactory(group=group, user__email="ketua@example.test")
    buyer = notify_buyer(courier_order, "placed")
    assert TO_FOLLOW in buyer.body_text
    assert TO_FOLLOW in text(buyer.body_html)
    group_mail = [m for m in notify_new_order(courier_order) if m.recipient == "ketua@example.test"]
    assert group_mail
    # The group's messages are in the group's language (Indonesian).
    assert MENYUSUL in group_mail[0].body_text
    assert MENYUSUL in text(group_mail[0].body_html)
    assert f"Total: {TO_FOLLOW}" in order_message(courier_order)


def test_whatsapp_alerts_carry_the_same_amount(app, monkeypatch, courier_order):
    monkeypatch.setitem(app.config, "WHATSAPP_BACKEND", "log")
    courier_order.buyer_phone = "+6281311112222"
    # The group's number has been verified: only then does it get alerts.
    courier_order.group.whatsapp_verified_at = datetime.now(UTC)
    # The group's alert is in the group's language, the buyer's in theirs.
    (to_group,) = group_alerts(courier_order, AlertKind.NEW_ORDER, [])
    assert MENYUSUL in to_group.body_text
    assert TO_FOLLOW in buyer_alert(courier_order, "confirmed").body_text


def test_a_transfer_unique_code_is_in_the_amount_so_the_lines_add_up(client, group, order_factory):
    order = order_factory(
        group,
        delivery=DeliveryMethod.COURIER,
        shipping_fee=None,
        unique_code=227,
        buyer_email="siti@example.test",
        locale="en",
    )
    page = text(client.get(f"/lacak/{order.number}/{order.tracking_token}").get_data(as_text=True))
    assert "Unique code Rp227" in page
    assert "Total Rp50,227 + shipping to follow" in page
    # The email lists the code too, above the total it is part of.
    email = notify_buyer(order, "placed")
    for body in (email.body_text, text(email.body_html)):
        assert "Unique code: Rp227" in body
        assert "Total: Rp50,227 + shipping to follow" in body
    assert "Unique code: Rp227\nTotal: Rp50,227 + shipping to follow" in order_message(order)


def test_a_known_fee_shows_the_whole_total_only(client, group, member, order_factory):
    order = order_factory(
        group, delivery=DeliveryMethod.COURIER, shipping_fee=20000, buyer=member.user, locale="en"
    )
    page = text(client.get(f"/lacak/{order.number}/{order.tracking_token}").get_data(as_text=True))
    assert "Total Rp70,000" in page
    assert "shipping to follow" not in page
    assert "Total: Rp70,000" in order_message(order)


def test_cart_and_checkout_of_a_group_that_ships_by_courier_only(client):
    client.get("/bahasa/en")
    courier = GroupFactory(offers_pickup=False, offers_courier=True)
    pickup = GroupFactory()
    shipped = VariantFactory(product=ProductFactory(group=courier), price=50000, stock=5)
    collected = VariantFactory(product=ProductFactory(group=pickup), price=10000, stock=5)
    for variant in (shipped, collected):
        refresh_derived(variant.product)
    add(client, shipped, 1, **ORIGIN)
    cart = text(client.get("/keranjang").get_data(as_text=True))
    assert f"Subtotal {TO_FOLLOW}" in cart
    assert "Total for the products Rp50,000 + shipping to follow" in cart

    add(client, collected, 1, **ORIGIN)
    cart = text(client.get("/keranjang").get_data(as_text=True))
    assert "Subtotal Rp10,000" in cart and "Subtotal Rp10,000 +" not in cart
    assert "Total for the products Rp60,000 + shipping to follow" in cart
    checkout = text(client.get("/checkout").get_data(as_text=True))
    assert f"Subtotal {TO_FOLLOW}" in checkout
    assert "Total for the products Rp60,000 + shipping to follow" in checkout


def test_a_group_with_other_deliveries_has_no_shipping_to_follow_in_the_cart(client, variant):
    refresh_derived(variant.product)
    add(client, variant, 1, **ORIGIN)
    cart = text(client.get("/keranjang").get_data(as_text=True))
    assert "shipping to follow" not in cart
    checkout = text(client.get("/checkout").get_data(as_text=True))
    # The courier choice says its fee follows.
    assert "shipping to follow: the group confirms the fee before you pay" in checkout
