"""The buyer's side: "Pay by card" to Stripe, and the return from Checkout."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shop.extensions import db
from shop.orders.models import Order, OrderEvent, PaymentStatus
from shop.payments.models import ProcessedStripeEvent

pytestmark = pytest.mark.usefixtures("stripe_keys", "in_english")


@pytest.fixture
def in_english(client):
    """The buyer picked English (Indonesian is the default), so the
    messages below read as in the source."""
    client.set_cookie("lang", "en")


def pay_url(order: Order) -> str:
    return f"/bayar/{order.number}/{order.tracking_token}/kartu"


def return_url(order: Order, session_id: str) -> str:
    return f"{pay_url(order)}/selesai?session_id={session_id}"


def track_url(order: Order) -> str:
    return f"/lacak/{order.number}/{order.tracking_token}"


def flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def paid_events(order_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(OrderEvent)
        .where(OrderEvent.order_id == order_id, OrderEvent.kind == "paid")
    )


def press_pay(client, order: Order) -> str:
    response = client.post(pay_url(order))
    assert response.status_code == 303
    return db.session.get(Order, order.id).stripe_session_id


def test_pay_by_card_sends_the_buyer_to_stripe(client, card_order, stripe_keys):
    order = card_order()

    response = client.post(pay_url(order))

    assert response.status_code == 303
    session_id = db.session.get(Order, order.id).stripe_session_id
    assert response.headers["Location"] == stripe_keys.sessions[session_id]["url"]


def test_pay_by_card_needs_the_csrf_token(client, card_order, stripe_keys):
    order = card_order()
    assert client.post(pay_url(order), csrf=False).status_code == 400
    assert stripe_keys.requests == []


def test_pay_by_card_needs_the_tracking_token(client, card_order, stripe_keys):
    order = card_order()
    wrong = f"/bayar/{order.number}/{'x' * len(order.tracking_token)}/kartu"
    assert client.post(wrong).status_code == 404
    assert (
        client.get(f"/bayar/{order.number}/nope/kartu/selesai?session_id=cs_x").status_code == 404
    )
    assert stripe_keys.requests == []


def test_an_order_not_payable_yet_goes_back_with_the_reason(client, card_order, stripe_keys):
    order = card_order(shipping_fee=None)

    response = client.post(pay_url(order))

    assert response.status_code == 303
    assert response.headers["Location"] == track_url(order)
    assert flashes(client)[0][0] == "error"
    assert stripe_keys.requests == []


def test_a_stripe_failure_goes_back_with_an_apology(app, client, card_order, monkeypatch):
    order = card_order()
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_revoked")

    response = client.post(pay_url(order))

    assert response.headers["Location"] == track_url(order)
    assert flashes(client) == [
        ("error", "The card payment page could not be opened. Please try again shortly.")
    ]
    assert db.session.get(Order, order.id).stripe_session_id is None


def test_returning_without_paying_does_not_mark_paid(client, card_order, stripe_keys):
    order = card_order()
    session_id = press_pay(client, order)

    response = client.get(return_url(order, session_id))

    assert response.status_code == 303
    assert response.headers["Location"] == track_url(order)
    assert db.session.get(Order, order.id).payment_status is PaymentStatus.UNPAID
    assert flashes(client) == [("info", "We are waiting for the card company's confirmation.")]


@pytest.mark.parametrize("session_id", ["", "cs_test_unknown", "not-a-session", "x" * 400])
def test_a_made_up_session_changes_nothing(client, card_order, stripe_keys, session_id):
    order = card_order()
    press_pay(client, order)

    response = client.get(return_url(order, session_id))

    assert response.status_code == 303
    assert db.session.get(Order, order.id).payment_status is PaymentStatus.UNPAID


def test_another_orders_paid_session_does_not_pay_this_one(client, card_order, stripe_keys):
    mine, theirs = card_order(), card_order()
    press_pay(client, mine)
    stripe_keys.pay(press_pay(client, theirs))

    client.get(return_url(mine, db.session.get(Order, theirs.id).stripe_session_id))

    assert db.session.get(Order, mine.id).payment_status is PaymentStatus.UNPAID


def test_success_page_then_webhook_marks_paid_once(client, card_order, stripe_keys):
    order = card_order()
    session_id = press_pay(client, order)
    stripe_keys.pay(session_id)

    client.get(return_url(order, session_id))
    assert db.session.get(Order, order.id).payment_status is PaymentStatus.PAID
    assert flashes(client) == [("success", "Payment received.")]

    payload, header = stripe_keys.signed_event("checkout.session.completed", session_id)
    response = client.post(
        "/stripe/webhook", data=payload, headers={"Stripe-Signature": header}, csrf=False
    )

    assert response.status_code == 200
    assert paid_events(order.id) == 1
    assert db.session.scalar(select(func.count()).select_from(ProcessedStripeEvent)) == 1


def test_webhook_then_success_page_marks_paid_once(client, card_order, stripe_keys):
    order = card_order()
    session_id = press_pay(client, order)
    stripe_keys.pay(session_id)
    payload, header = stripe_keys.signed_event("checkout.session.completed", session_id)
    client.post("/stripe/webhook", data=payload, headers={"Stripe-Signature": header}, csrf=False)

    client.get(return_url(order, session_id))
    client.get(return_url(order, session_id))

    assert paid_events(order.id) == 1
    assert flashes(client)[-1] == ("success", "Payment received.")


def test_pressing_pay_again_after_paying_is_refused(client, card_order, stripe_keys):
    order = card_order()
    stripe_keys.pay(press_pay(client, order))

    response = client.post(pay_url(order))

    assert response.headers["Location"] == track_url(order)
    assert flashes(client) == [
        ("error", "A card payment for this order is already being processed.")
    ]
    assert len(stripe_keys.created()) == 1
    assert db.session.get(Order, order.id).payment_status is PaymentStatus.UNPAID


def test_without_keys_the_card_pages_do_not_exist(app, client, card_order, monkeypatch):
    order = card_order()
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "")

    assert client.post(pay_url(order)).status_code == 404
    assert client.get(return_url(order, "cs_test_x")).status_code == 404
