"""The order page and its actions: only the valid ones shown, each one service,
an invalid transition refused with its message and nothing changed."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from sqlalchemy import select

from shop.catalogue.models import Variant
from shop.extensions import db
from shop.groups.models import DeliveryMethod, PaymentMethod
from shop.notify.models import OutboxMessage
from shop.orders.models import Order, OrderStatus, PaymentStatus

PAID = PaymentStatus.PAID


def url(order, action=""):
    base = f"/kelola/{order.group.slug}/pesanan/{order.number}"
    return f"{base}/{action}" if action else base


def reload(order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def action_paths(html: str) -> set[str]:
    import re

    return set(re.findall(r'action="/kelola/[^/]+/pesanan/[^/]+/([a-z]+)"', html))


def test_detail_shows_buyer_lines_and_a_whatsapp_message(client, group, order_factory):
    order = order_factory(
        group,
        buyer_name="Sari Wulandari",
        buyer_phone="+6281355556666",
        buyer_email="sari@example.test",
        note="Tolong dibungkus rapi",
        province_code="15",
        regency_code="15.05",
        district_code="15.05.01",
        lines=[("Abon Lele Pedas", 25000, 2), ("Kerupuk Lele", 15000, 1)],
        locale="en",
    )
    html = client.get(url(order)).get_data(as_text=True)

    assert "Sari Wulandari" in html
    assert "0813-5555-6666" in html
    assert "Tolong dibungkus rapi" in html
    assert "Kabupaten Muaro Jambi" in html or "Muaro Jambi" in html
    assert "Abon Lele Pedas" in html and "Rp65,000" in html
    wa = unquote(html.split('href="https://wa.me/6281355556666?text=')[1].split('"')[0])
    # In the language the buyer ordered in (English), naming the number and status.
    assert order.number in wa
    assert "Waiting for the group" in wa
    assert f"/lacak/{order.number}/{order.tracking_token}" in wa
    assert action_paths(html) == {"konfirmasi", "batal"}


def test_whatsapp_message_in_indonesian_for_an_indonesian_order(client, group, order_factory):
    order = order_factory(group, status=OrderStatus.SHIPPED, locale="id")
    client.get("/bahasa/en")
    html = client.get(url(order)).get_data(as_text=True)
    wa = unquote(html.split("https://wa.me/")[1].split('"')[0])
    assert "Dikirim" in wa


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"status": OrderStatus.PLACED}, {"konfirmasi", "batal"}),
        ({"status": OrderStatus.CONFIRMED}, {"lunas", "batal"}),
        (
            {"status": OrderStatus.CONFIRMED, "payment": PaymentMethod.CASH},
            {"lunas", "kemas", "batal"},
        ),
        ({"status": OrderStatus.CONFIRMED, "payment_status": PAID}, {"kemas", "batal"}),
        ({"status": OrderStatus.PACKED, "payment_status": PAID}, {"siap", "batal"}),
        (
            {
                "status": OrderStatus.PACKED,
                "payment_status": PAID,
                "delivery": DeliveryMethod.LOCAL,
            },
            {"kirim", "batal"},
        ),
        ({"status": OrderStatus.READY}, {"lunas"}),
        ({"status": OrderStatus.READY, "payment_status": PAID}, {"selesai"}),
        ({"status": OrderStatus.COMPLETED, "payment_status": PAID}, set()),
        ({"status": OrderStatus.CANCELLED}, set()),
    ],
)
def test_only_valid_actions_are_shown(client, group, order_factory, fields, shown):
    order = order_factory(group, **fields)
    html = client.get(url(order)).get_data(as_text=True)
    assert action_paths(html) == shown


def test_confirm_a_pickup_order(client, group, order_factory):
    order = order_factory(group)
    response = client.post(url(order, "konfirmasi"))
    assert response.status_code == 303
    assert reload(order).status is OrderStatus.CONFIRMED
    assert "Order confirmed." in client.get(response.location).get_data(as_text=True)


def test_courier_confirm_requires_a_fee_then_the_buyer_sees_the_total(client, group, order_factory):
    order = order_factory(group, delivery=DeliveryMethod.COURIER, shipping_fee=None)
    refused = client.post(url(order, "konfirmasi"), data={"shipping_fee": ""})
    assert refused.status_code == 422
    assert "Give the courier fee for this order." in refused.get_data(as_text=True)
    assert reload(order).status is OrderStatus.PLACED

    response = client.post(url(order, "konfirmasi"), data={"shipping_fee": "25.000"})
    assert response.status_code == 303
    order = reload(order)
    assert order.status is OrderStatus.CONFIRMED
    assert order.shipping_fee == 25000
    assert order.total == 50000 + 25000 + order.unique_code
    tracking = client.get(f"/lacak/{order.number}/{order.tracking_token}")
    if tracking.status_code == 200:
        assert "Rp75,000" in tracking.get_data(as_text=True)


def test_paid_packed_shipped_completed(client, group, order_factory):
    order = order_factory(
        group, status=OrderStatus.CONFIRMED, delivery=DeliveryMethod.COURIER, shipping_fee=20000
    )
    assert client.post(url(order, "lunas"), data={"note": "BRI a.n. Sari"}).status_code == 303
    assert reload(order).payment_status is PAID
    assert client.post(url(order, "kemas")).status_code == 303
    assert reload(order).status is OrderStatus.PACKED
    shipped = client.post(url(order, "kirim"), data={"courier": "JNE", "tracking_number": "JN1"})
    assert shipped.status_code == 303
    order = reload(order)
    assert (order.status, order.courier, order.tracking_number) == (
        OrderStatus.SHIPPED,
        "JNE",
        "JN1",
    )
    assert client.post(url(order, "selesai")).status_code == 303
    order = reload(order)
    assert order.status is OrderStatus.COMPLETED
    assert [e.kind for e in order.events] == [
        "placed",
        "paid",
        "packed",
        "shipped",
        "completed",
    ]


def test_courier_shipping_needs_the_courier_name(client, group, order_factory):
    order = order_factory(
        group, status=OrderStatus.PACKED, payment_status=PAID, delivery=DeliveryMethod.COURIER
    )
    response = client.post(url(order, "kirim"), data={"courier": " ", "tracking_number": "X"})
    assert response.status_code == 422
    assert "Name the courier." in response.get_data(as_text=True)
    assert reload(order).status is OrderStatus.PACKED


def test_ready_for_pickup(client, group, order_factory):
    order = order_factory(group, status=OrderStatus.PACKED, payment_status=PAID)
    assert client.post(url(order, "siap")).status_code == 303
    assert reload(order).status is OrderStatus.READY


def test_cancel_returns_stock_and_tells_the_buyer(client, group, order_factory, variant):
    variant.stock = 3  # 2 of 5 were taken by this order
    order = order_factory(
        group,
        status=OrderStatus.CONFIRMED,
        buyer_email="buyer@example.test",
        lines=[(variant, 25000, 2)],
    )
    missing = client.post(url(order, "batal"), data={"reason": "  "})
    assert missing.status_code == 422
    assert "Tell the buyer why the order is cancelled." in missing.get_data(as_text=True)

    response = client.post(url(order, "batal"), data={"reason": "Stok habis minggu ini"})
    assert response.status_code == 303
    order = reload(order)
    assert order.status is OrderStatus.CANCELLED
    assert order.cancel_reason == "Stok habis minggu ini"
    assert db.session.get(Variant, variant.id).stock == 5
    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == "buyer@example.test")
    ).all()
    assert [m.kind for m in told] == ["order_cancelled"]


@pytest.mark.parametrize(
    ("fields", "action", "data", "message"),
    [
        ({"status": OrderStatus.CONFIRMED}, "konfirmasi", {}, "Only a new order can be confirmed."),
        ({}, "lunas", {}, "Confirm the order before marking it paid."),
        (
            {"status": OrderStatus.CONFIRMED, "payment_status": PAID},
            "lunas",
            {},
            "This order is already marked paid.",
        ),
        ({}, "kemas", {}, "Only a confirmed order can be packed."),
        (
            {"status": OrderStatus.CONFIRMED},
            "kemas",
            {},
            "Wait for the payment before packing this order.",
        ),
        ({"status": OrderStatus.CONFIRMED}, "kirim", {}, "Pack the order before shipping it."),
        (
            {"status": OrderStatus.PACKED, "payment_status": PAID},
            "kirim",
            {"courier": "JNE"},
            "This order is collected by the buyer: mark it ready for pickup.",
        ),
        (
            {"status": OrderStatus.PACKED, "delivery": DeliveryMethod.LOCAL},
            "siap",
            {},
            "This order is delivered: mark it shipped.",
        ),
        ({}, "selesai", {}, "Only a shipped order, or one ready for pickup, can be completed."),
        (
            {"status": OrderStatus.SHIPPED, "delivery": DeliveryMethod.LOCAL},
            "selesai",
            {},
            "Mark the payment received before completing the order.",
        ),
        (
            {"status": OrderStatus.COMPLETED, "payment_status": PAID},
            "batal",
            {"reason": "Salah"},
            "This order can no longer be cancelled.",
        ),
        ({"status": OrderStatus.EXPIRED}, "batal", {"reason": "x"}, "no longer be cancelled"),
    ],
)
def test_invalid_transitions_are_refused(
    client, group, order_factory, fields, action, data, message
):
    order = order_factory(group, **fields)
    before = (order.status, order.payment_status, order.courier, len(order.events))

    response = client.post(url(order, action), data=data)

    assert response.status_code == 303
    assert message in client.get(response.location).get_data(as_text=True)
    order = reload(order)
    assert (order.status, order.payment_status, order.courier, len(order.events)) == before


def test_unknown_action_is_404(client, group, order_factory):
    order = order_factory(group)
    assert client.post(url(order, "hapus")).status_code == 404


def test_post_without_csrf_token_is_refused(client, group, order_factory):
    order = order_factory(group)
    assert client.post(url(order, "konfirmasi"), csrf=False).status_code == 400
    assert reload(order).status is OrderStatus.PLACED


@pytest.mark.postgresql_only
def test_an_action_locks_the_order_row(client, group, order_factory, count_queries):
    """Two members cancelling at once: the second waits for the first and then
    finds the order cancelled, so the stock cannot come back twice."""
    order = order_factory(group)
    with count_queries() as counter:
        client.post(url(order, "batal"), data={"reason": "Habis"})
    locked = [s for s in counter.statements if "FOR UPDATE" in s]
    assert len(locked) == 1
    assert 'FROM "order"' in locked[0]
