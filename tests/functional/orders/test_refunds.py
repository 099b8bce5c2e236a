"""A paid order that the group cancels: its money goes back, and everyone can
see how far that got. Transfer and cash refunds are recorded by the group
(with a proof for a transfer); the buyer's page says what happens to the money."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select

from shop.db import utcnow
from shop.extensions import db
from shop.groups.models import PaymentMethod
from shop.notify.models import OutboxMessage
from shop.orders import services
from shop.orders.models import Order, OrderStatus, PaymentStatus
from shop.payments.models import Refund, RefundCause, RefundStatus

PAID = PaymentStatus.PAID


def url(order, action=""):
    base = f"/kelola/{order.group.slug}/pesanan/{order.number}"
    return f"{base}/{action}" if action else base


def track(order) -> str:
    return f"/lacak/{order.number}/{order.tracking_token}"


def reload(order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def jpeg() -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", (320, 240), (30, 120, 200)).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def mails(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


@pytest.fixture
def paid_order(group, order_factory):
    def make(payment=PaymentMethod.TRANSFER, **fields):
        return order_factory(
            group,
            status=OrderStatus.CONFIRMED,
            payment_status=PAID,
            payment=payment,
            buyer_email="buyer@example.test",
            locale="en",
            **fields,
        )

    return make


def cancel(client, order):
    response = client.post(url(order, "batal"), data={"reason": "Bahan baku habis"})
    assert response.status_code == 303
    return reload(order)


def test_cancelling_a_paid_transfer_order_makes_the_refund_due(client, paid_order):
    order = paid_order()
    page = client.get(url(order)).get_data(as_text=True)
    assert "you must give the buyer Rp50,000 back" in page

    order = cancel(client, order)

    assert order.status is OrderStatus.CANCELLED
    assert order.payment_status is PaymentStatus.REFUND_DUE
    (refund,) = order.refunds
    assert (refund.amount, refund.method, refund.status, refund.cause) == (
        50_000,
        PaymentMethod.TRANSFER,
        RefundStatus.DUE,
        RefundCause.CANCELLED,
    )
    (mail,) = mails("order_cancelled")
    assert "Your payment of Rp50,000 will be refunded" in mail.body_text
    assert "transfer it back to you" in mail.body_text

    buyer = client.get(track(order)).get_data(as_text=True)
    assert "Cancelled · refund pending" in buyer
    assert "Your payment of Rp50,000 will be refunded" in buyer
    assert "Nothing to pay" not in buyer

    manage = client.get(url(order)).get_data(as_text=True)
    assert "Refunds" in manage
    assert "Record the refund" in manage


def test_a_transfer_refund_needs_its_proof_and_nothing_changes_without_it(client, paid_order):
    order = cancel(client, paid_order())
    refund_id = order.refunds[0].id

    refused = client.post(url(order, f"pengembalian/{refund_id}"), data={})

    assert refused.status_code == 422
    assert "Add the photo or PDF of your transfer back to the buyer." in refused.get_data(
        as_text=True
    )
    order = reload(order)
    assert order.refunds[0].status is RefundStatus.DUE
    assert order.payment_status is PaymentStatus.REFUND_DUE


def test_the_group_records_a_transfer_refund_and_the_buyer_sees_it(client, paid_order):
    order = cancel(client, paid_order())
    refund_id = order.refunds[0].id
    prefix = f"refund-{refund_id}"

    response = client.post(
        url(order, f"pengembalian/{refund_id}"),
        data={
            f"{prefix}-proof": (io.BytesIO(jpeg()), "transfer-balik.jpg"),
            f"{prefix}-note": "BRI ke rekening pembeli",
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 303
    order = reload(order)
    (refund,) = order.refunds
    assert refund.status is RefundStatus.REFUNDED
    assert refund.image_id is not None
    assert refund.note == "BRI ke rekening pembeli"
    assert refund.recorded_by_id is not None
    assert order.payment_status is PaymentStatus.REFUNDED
    (mail,) = mails("order_refunded")
    assert "The money was refunded on" in mail.body_text

    buyer = client.get(track(order)).get_data(as_text=True)
    assert "Cancelled · money refunded" in buyer
    assert "The money was refunded on" in buyer
    proof = client.get(
        f"/bayar/{order.number}/{order.tracking_token}/pengembalian/{refund_id}/bukti"
    )
    assert proof.status_code == 200
    assert proof.mimetype.startswith("image/")
    assert "no-store" in proof.headers["Cache-Control"]
    wrong = client.get(f"/bayar/{order.number}/not-the-token/pengembalian/{refund_id}/bukti")
    assert wrong.status_code == 404
    assert client.get(url(order, f"pengembalian/{refund_id}/bukti")).status_code == 200

    again = client.post(url(order, f"pengembalian/{refund_id}"), data={})
    assert again.status_code == 422
    assert "This refund is already recorded." in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 1


def test_a_cash_refund_can_be_recorded_without_a_proof(client, paid_order):
    order = cancel(client, paid_order(payment=PaymentMethod.CASH))
    refund_id = order.refunds[0].id

    response = client.post(url(order, f"pengembalian/{refund_id}"), data={})

    assert response.status_code == 303
    assert reload(order).payment_status is PaymentStatus.REFUNDED


def test_another_groups_refund_is_not_found(client, member, other_group, order_factory):
    order = order_factory(other_group, status=OrderStatus.CONFIRMED, payment_status=PAID)
    services.cancel_order(order, "Habis", by=None)
    db.session.commit()
    refund_id = order.refunds[0].id

    assert client.post(url(order, f"pengembalian/{refund_id}"), data={}).status_code == 404
    assert client.get(url(order, f"pengembalian/{refund_id}/bukti")).status_code == 404
    assert reload(order).refunds[0].status is RefundStatus.DUE


def test_a_card_refund_is_not_recorded_by_hand(client, paid_order, app, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "")  # no Stripe: the job waits
    order = cancel(client, paid_order(payment=PaymentMethod.CARD))
    refund_id = order.refunds[0].id

    page = client.get(url(order)).get_data(as_text=True)
    assert "Stripe sends the money back to the buyer's card" in page
    assert "Record the refund" not in page
    refused = client.post(url(order, f"pengembalian/{refund_id}"), data={})
    assert refused.status_code == 422
    assert "it goes back by card through Stripe" in refused.get_data(as_text=True)
    assert reload(order).refunds[0].status is RefundStatus.DUE


def test_an_unpaid_order_is_cancelled_without_a_refund(client, group, order_factory):
    order = order_factory(group, status=OrderStatus.CONFIRMED, locale="en")

    order = cancel(client, order)

    assert order.refunds == []
    assert order.payment_status is PaymentStatus.UNPAID
    assert "Nothing to pay" in client.get(track(order)).get_data(as_text=True)


@pytest.mark.parametrize("status", [OrderStatus.PLACED, OrderStatus.CONFIRMED, OrderStatus.PACKED])
def test_every_cancel_of_a_paid_order_leaves_a_refund(group, order_factory, status):
    """cancel_order is the one service that cancels (the group's button, the
    demo data): a paid order in any state it can cancel gets its refund."""
    order = order_factory(group, status=status, payment_status=PAID, shipping_fee=10_000)

    services.cancel_order(order, "Habis", by=None)

    (refund,) = order.refunds
    assert refund.amount == order.total == 60_000
    assert order.payment_status is PaymentStatus.REFUND_DUE


def test_expiry_never_touches_a_paid_order(group, order_factory):
    order = order_factory(
        group,
        status=OrderStatus.CONFIRMED,
        payment_status=PAID,
        expires_at=utcnow() - timedelta(hours=1),
    )

    assert order not in services.due_for_expiry(utcnow())
    assert services.expire_order(order) is False
    assert order.status is OrderStatus.CONFIRMED
    assert order.refunds == []


def test_the_sales_page_shows_refunds_apart(client, group, paid_order):
    paid_order()
    cancel(client, paid_order(lines=[("Kerupuk", 10_000, 3)]))

    page = client.get(f"/kelola/{group.slug}/penjualan").get_data(as_text=True)

    assert "1 order, Rp50,000 in products (Rp50,000 paid" in page
    assert "Refunds to buyers: Rp30,000, counted apart and never as sales." in page
