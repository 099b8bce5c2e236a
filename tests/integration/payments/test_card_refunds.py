"""Card refunds through Stripe's Refund API, with the real `stripe` client
against the fake: made after the commit, once whatever is repeated, retried
until Stripe answers, finished by Stripe's answer or its webhook."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.jobs import run_in_process_jobs
from shop.jobs.periodic import TASKS
from shop.notify.models import OutboxMessage
from shop.orders import services as orders
from shop.orders.models import Order, OrderStatus, PaymentStatus
from shop.payments import card, refunds
from shop.payments.models import Refund, RefundStatus
from shop.payments.stripe_api import SessionFacts

pytestmark = pytest.mark.usefixtures("stripe_keys")


@pytest.fixture
def paid_by_card(card_order, stripe_keys):
    """A card order paid through a session of the fake, as the webhook leaves it."""

    def make(**options) -> Order:
        order = card_order(**options)
        card.start_checkout(order)
        session = stripe_keys.pay(order.stripe_session_id)
        card._fulfil(SessionFacts.of(session))
        db.session.commit()
        assert order.is_paid
        return order

    return make


def cancel(order: Order) -> Refund:
    orders.cancel_order(order, "Bahan habis", by=None)
    db.session.commit()
    run_in_process_jobs()  # what runs once the request's answer is sent
    db.session.expire_all()
    (refund,) = db.session.get(Order, order.id).refunds
    return refund


def refund_calls(fake):
    return [r for r in fake.requests if r.method == "POST" and r.path == "/v1/refunds"]


def test_cancelling_a_paid_card_order_refunds_it_through_stripe(paid_by_card, stripe_keys):
    order = paid_by_card(price=25_000, quantity=3)
    intent = stripe_keys.sessions[order.stripe_session_id]["payment_intent"]

    refund = cancel(order)

    (call,) = refund_calls(stripe_keys)
    assert call.form["payment_intent"] == intent
    assert call.form["amount"] == str(75_000 * 100)
    assert call.headers["Idempotency-Key"] == f"refund-{refund.id}"
    assert refund.status is RefundStatus.REFUNDED
    assert refund.stripe_refund_id in stripe_keys.refunds
    assert refund.refunded_at is not None
    order = refund.order
    assert order.status is OrderStatus.CANCELLED
    assert order.payment_status is PaymentStatus.REFUNDED
    assert [e.kind for e in order.events][-3:] == ["cancelled", "refund-due", "refunded"]
    kinds = db.session.scalars(
        select(OutboxMessage.kind)
        .where(OutboxMessage.recipient == "sari@example.test")
        .order_by(OutboxMessage.id)
    ).all()
    assert kinds[-2:] == ["order_cancelled", "order_refunded"]


def test_stripe_down_leaves_it_due_and_the_scheduler_retries_once(paid_by_card, stripe_keys):
    order = paid_by_card()
    stripe_keys.outage["refund"] = 5  # more than the client's own retry

    refund = cancel(order)

    assert refund.status is RefundStatus.DUE
    assert refund.attempts == 1
    assert refund.last_error
    assert stripe_keys.refunds == {}

    assert refunds.retry_card_refunds() == 1  # still down
    stripe_keys.outage.clear()
    assert refunds.retry_card_refunds() == 1
    db.session.expire_all()

    refund = db.session.get(Refund, refund.id)
    assert refund.status is RefundStatus.REFUNDED
    assert len(stripe_keys.refunds) == 1
    assert refunds.retry_card_refunds() == 0  # nothing left to do


def test_an_answer_that_came_too_late_is_not_a_second_refund(
    app, paid_by_card, stripe_keys, monkeypatch
):
    order = paid_by_card()
    monkeypatch.setitem(app.config, "STRIPE_READ_TIMEOUT", 0.3)
    monkeypatch.setitem(app.config, "STRIPE_MAX_NETWORK_RETRIES", 0)
    stripe_keys.stall["refund"] = 1  # Stripe refunds, the answer is lost

    refund = cancel(order)
    assert refund.status is RefundStatus.DUE
    stripe_keys.release()
    stripe_keys.wait_for_stalled_answers(1)

    refunds.retry_card_refunds()

    db.session.expire_all()
    assert db.session.get(Refund, refund.id).status is RefundStatus.REFUNDED
    assert len(refund_calls(stripe_keys)) == 2
    assert len(stripe_keys.refunds) == 1  # the same key: Stripe answered with the first


def test_a_pending_refund_is_finished_by_the_webhook(client, paid_by_card, stripe_keys):
    order = paid_by_card()
    stripe_keys.refund_status = "pending"
    refund = cancel(order)
    assert refund.status is RefundStatus.PENDING
    assert refund.order.payment_status is PaymentStatus.REFUND_DUE

    done = stripe_keys.settle_refund(refund.stripe_refund_id)
    payload, header = stripe_keys.sign(stripe_keys.object_event("refund.updated", done))
    response = client.post(
        "/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": header},
        content_type="application/json",
    )

    assert response.status_code == 200
    db.session.expire_all()
    refund = db.session.get(Refund, refund.id)
    assert refund.status is RefundStatus.REFUNDED
    assert refund.order.payment_status is PaymentStatus.REFUNDED
    client.set_cookie("lang", "en")
    track = client.get(f"/lacak/{order.number}/{order.tracking_token}").get_data(as_text=True)
    assert "Cancelled · money refunded" in track
    assert "The money was refunded on" in track


def test_a_lost_webhook_is_made_up_for_by_asking_stripe(paid_by_card, stripe_keys):
    order = paid_by_card()
    stripe_keys.refund_status = "pending"
    refund = cancel(order)
    stripe_keys.settle_refund(refund.stripe_refund_id)

    refunds.retry_card_refunds()

    db.session.expire_all()
    assert db.session.get(Refund, refund.id).status is RefundStatus.REFUNDED


def test_a_refund_stripe_refuses_is_failed_for_the_group_to_settle(paid_by_card, stripe_keys):
    order = paid_by_card()
    intent = stripe_keys.sessions[order.stripe_session_id]["payment_intent"]
    # Refunded already at Stripe's dashboard: nothing is left to refund.
    stripe_keys.refunds["re_dashboard"] = {
        "id": "re_dashboard",
        "payment_intent": intent,
        "amount": order.total * 100,
        "status": "succeeded",
    }

    refund = cancel(order)

    assert refund.status is RefundStatus.FAILED
    assert "greater than the unrefunded amount" in refund.last_error
    assert refunds.can_record(refund)
    assert refunds.retry_card_refunds() == 0  # a person looks at it now


def test_the_scheduler_runs_the_refund_retry():
    (task,) = [t for t in TASKS if t.job == "shop.payments.refunds.retry_card_refunds"]
    assert task.every <= 600


def test_the_paid_event_again_after_the_cancel_is_not_a_second_refund(
    client, paid_by_card, stripe_keys
):
    order = paid_by_card()
    refund = cancel(order)
    payload, header = stripe_keys.signed_event(
        "checkout.session.completed", refund.stripe_session_id
    )

    response = client.post(
        "/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": header},
        content_type="application/json",
    )

    assert response.status_code == 200
    db.session.expire_all()
    assert len(db.session.get(Order, order.id).refunds) == 1
    assert len(stripe_keys.refunds) == 1
