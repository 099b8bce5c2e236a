"""Stripe's webhook: signed with Stripe's own scheme, applied once, never backwards."""

from __future__ import annotations

import time

import pytest
import stripe
from sqlalchemy import func, select

from shop.catalogue.models import Variant
from shop.extensions import db
from shop.notify.models import OutboxMessage
from shop.orders import services as orders
from shop.orders.models import Order, OrderEvent, OrderStatus, PaymentStatus
from shop.payments import card
from shop.payments.models import ProcessedStripeEvent, RefundCause, RefundStatus

pytestmark = pytest.mark.usefixtures("stripe_keys")

WEBHOOK = "/stripe/webhook"


def deliver(client, payload: str, header: str | None):
    headers = {"Stripe-Signature": header} if header is not None else {}
    return client.post(
        WEBHOOK, data=payload, headers=headers, content_type="application/json", csrf=False
    )


def kinds(order_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(OrderEvent.kind).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)
        )
    )


def event_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(ProcessedStripeEvent))


def paid_mails(order: Order) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.kind == "order_paid", OutboxMessage.recipient == order.buyer_email)
    )


@pytest.fixture
def checkout_open(card_order):
    """A confirmed card order whose buyer is on Stripe's page."""

    def make(**options) -> Order:
        order = card_order(**options)
        card.start_checkout(order)
        return order

    return make


def test_a_signed_completed_event_marks_the_order_paid(client, checkout_open, stripe_keys):
    order = checkout_open()
    session_id = order.stripe_session_id
    stripe_keys.pay(session_id)
    payload, header = stripe_keys.signed_event("checkout.session.completed", session_id)

    response = deliver(client, payload, header)

    assert response.status_code == 200
    order = db.session.get(Order, order.id)
    assert order.payment_status is PaymentStatus.PAID
    assert order.paid_at is not None and order.expires_at is None
    assert kinds(order.id)[-1] == "paid"
    assert session_id in order.events[-1].note
    assert event_rows() == 1
    assert paid_mails(order) == 1


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(
            lambda fake, event: _tamper(*fake.sign(event)),
            id="tampered-body",
        ),
        pytest.param(lambda fake, event: fake.sign(event, secret="whsec_wrong"), id="wrong-secret"),
        pytest.param(
            lambda fake, event: fake.sign(event, timestamp=int(time.time()) - 3600),
            id="timestamp-an-hour-old",
        ),
        pytest.param(lambda fake, event: (fake.sign(event)[0], None), id="no-header"),
        pytest.param(lambda fake, event: (fake.sign(event)[0], "t=1,v1=00"), id="bad-header"),
        pytest.param(
            lambda fake, event: (
                "not json",
                stripe.WebhookSignature.generate_signature_header("not json", fake.webhook_secret),
            ),
            id="signed-but-not-json",
        ),
    ],
)
def test_a_bad_signature_changes_nothing(client, checkout_open, stripe_keys, forge):
    order = checkout_open()
    stripe_keys.pay(order.stripe_session_id)
    event = stripe_keys.event("checkout.session.completed", order.stripe_session_id)
    payload, header = forge(stripe_keys, event)

    response = deliver(client, payload, header)

    assert response.status_code == 400
    order = db.session.get(Order, order.id)
    assert order.payment_status is PaymentStatus.UNPAID
    assert "paid" not in kinds(order.id)
    assert event_rows() == 0


def _tamper(payload: str, header: str) -> tuple[str, str]:
    return payload.replace('"livemode": false', '"livemode": true'), header


def test_the_same_event_twice_is_processed_once(client, checkout_open, stripe_keys):
    order = checkout_open()
    stripe_keys.pay(order.stripe_session_id)
    payload, header = stripe_keys.signed_event(
        "checkout.session.completed", order.stripe_session_id
    )

    assert deliver(client, payload, header).status_code == 200
    assert deliver(client, payload, header).status_code == 200

    assert event_rows() == 1
    assert kinds(order.id).count("paid") == 1
    assert paid_mails(order) == 1


def test_two_events_for_one_paid_session_mark_it_paid_once(client, checkout_open, stripe_keys):
    order = checkout_open()
    stripe_keys.pay(order.stripe_session_id)
    for kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        payload, header = stripe_keys.signed_event(kind, order.stripe_session_id)
        assert deliver(client, payload, header).status_code == 200

    assert event_rows() == 2
    assert kinds(order.id).count("paid") == 1


def test_a_completed_session_still_waiting_for_its_money_is_not_paid_yet(
    client, checkout_open, stripe_keys
):
    order = checkout_open()
    session = stripe_keys.sessions[order.stripe_session_id]
    session["status"] = "complete"  # e.g. a delayed payment method: money not in yet
    payload, header = stripe_keys.signed_event("checkout.session.completed", session["id"])
    assert deliver(client, payload, header).status_code == 200
    assert db.session.get(Order, order.id).payment_status is PaymentStatus.UNPAID

    stripe_keys.pay(session["id"])
    payload, header = stripe_keys.signed_event(
        "checkout.session.async_payment_succeeded", session["id"]
    )
    assert deliver(client, payload, header).status_code == 200
    assert db.session.get(Order, order.id).payment_status is PaymentStatus.PAID


def test_other_kinds_are_acknowledged_and_ignored(client, checkout_open, stripe_keys):
    order = checkout_open()
    stripe_keys.pay(order.stripe_session_id)
    event = stripe_keys.event("payment_intent.succeeded", order.stripe_session_id)
    payload, header = stripe_keys.sign(event)

    assert deliver(client, payload, header).status_code == 200
    assert db.session.get(Order, order.id).payment_status is PaymentStatus.UNPAID
    assert event_rows() == 0


def test_an_expired_session_expires_the_order_and_returns_its_stock(
    client, checkout_open, stripe_keys
):
    order = checkout_open(quantity=3, stock=10)
    variant_id = order.lines[0].variant_id
    assert db.session.get(Variant, variant_id).stock == 7
    stripe_keys.expire(order.stripe_session_id)
    payload, header = stripe_keys.signed_event("checkout.session.expired", order.stripe_session_id)

    assert deliver(client, payload, header).status_code == 200
    assert deliver(client, payload, header).status_code == 200

    order = db.session.get(Order, order.id)
    assert order.status is OrderStatus.EXPIRED
    assert not order.lines[0].stock_taken
    assert db.session.get(Variant, variant_id).stock == 10
    assert kinds(order.id).count("expired") == 1
    assert event_rows() == 1


def test_a_replaced_session_expiring_leaves_the_order_open(client, checkout_open, stripe_keys):
    order = checkout_open()
    old = order.stripe_session_id
    stripe_keys.sessions[old]["expires_at"] = int(time.time()) + 60
    card.start_checkout(order)  # replaces it
    payload, header = stripe_keys.signed_event("checkout.session.expired", old)

    assert deliver(client, payload, header).status_code == 200

    order = db.session.get(Order, order.id)
    assert order.status is OrderStatus.CONFIRMED
    assert db.session.get(Variant, order.lines[0].variant_id).stock == 7


def test_status_never_moves_backwards(client, checkout_open, stripe_keys):
    order = checkout_open()
    session_id = order.stripe_session_id
    stripe_keys.pay(session_id)
    paid = stripe_keys.signed_event("checkout.session.completed", session_id)
    assert deliver(client, *paid).status_code == 200
    orders.mark_packed(db.session.get(Order, order.id), by=None)
    db.session.commit()

    # A stale "expired" (Stripe does not promise order) and a late repeat of "completed".
    stripe_keys.sessions[session_id]["status"] = "expired"
    for kind in ("checkout.session.expired", "checkout.session.completed"):
        assert deliver(client, *stripe_keys.signed_event(kind, session_id)).status_code == 200

    order = db.session.get(Order, order.id)
    assert order.status is OrderStatus.PACKED
    assert order.payment_status is PaymentStatus.PAID
    assert db.session.get(Variant, order.lines[0].variant_id).stock == 7
    assert kinds(order.id).count("paid") == 1


def test_money_for_a_closed_order_goes_back_by_card_once(
    client, checkout_open, stripe_keys, caplog
):
    order = checkout_open()
    orders.cancel_order(order, "Bahan habis", by=None)
    db.session.commit()
    session = stripe_keys.pay(order.stripe_session_id)
    payload, header = stripe_keys.signed_event(
        "checkout.session.completed", order.stripe_session_id
    )

    again = stripe_keys.signed_event("checkout.session.completed", order.stripe_session_id)
    assert deliver(client, payload, header).status_code == 200
    assert deliver(client, *again).status_code == 200  # a new event id, the same session

    order = db.session.get(Order, order.id, populate_existing=True)
    assert order.status is OrderStatus.CANCELLED
    assert order.payment_status is PaymentStatus.REFUNDED
    (refund,) = order.refunds
    assert refund.cause is RefundCause.CLOSED
    assert refund.status is RefundStatus.REFUNDED
    assert refund.amount == order.total
    (sent,) = stripe_keys.refunds.values()
    assert sent["payment_intent"] == session["payment_intent"]
    assert sent["amount"] == order.total * 100
    assert sent["id"] == refund.stripe_refund_id
    assert kinds(order.id).count("refund-due") == 1
    assert "not counted" in caplog.text


def test_an_amount_that_differs_from_the_order_is_not_counted(client, checkout_open, stripe_keys):
    order = checkout_open()
    session = stripe_keys.pay(order.stripe_session_id)
    session["amount_total"] = order.total  # rupiah, not hundredths: 100 times too little
    payload, header = stripe_keys.signed_event("checkout.session.completed", session["id"])

    assert deliver(client, payload, header).status_code == 200

    order = db.session.get(Order, order.id, populate_existing=True)
    assert order.payment_status is PaymentStatus.UNPAID
    (refund,) = order.refunds
    assert refund.cause is RefundCause.AMOUNT
    # What Stripe took goes back, in whole rupiah (its hundredths rounded up).
    assert refund.amount == -(-order.total // 100)
    assert "refund-due" in kinds(order.id)


def test_the_webhook_needs_no_csrf_token_but_the_keys(
    app, client, checkout_open, stripe_keys, monkeypatch
):
    order = checkout_open()
    stripe_keys.pay(order.stripe_session_id)
    payload, header = stripe_keys.signed_event(
        "checkout.session.completed", order.stripe_session_id
    )
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "")

    assert deliver(client, payload, header).status_code == 404
    assert event_rows() == 0
