"""Opening a Checkout Session through the real `stripe` client, against the fake."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import update

from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import PaymentMethod
from shop.orders import services as orders
from shop.orders.models import Order, OrderStatus
from shop.payments import card

pytestmark = pytest.mark.usefixtures("stripe_keys")


def test_session_carries_the_order_in_hundredths_of_a_rupiah(card_order, stripe_keys):
    order = card_order(price=25_000, quantity=3, shipping_fee=10_000)
    number, token = order.number, order.tracking_token

    url = card.start_checkout(order)

    (sent,) = stripe_keys.created()
    form = sent.form
    assert form["mode"] == "payment"
    product, delivery = form["line_items"]
    assert product["quantity"] == "3"
    assert product["price_data"]["currency"] == "idr"
    assert product["price_data"]["unit_amount"] == "2500000"
    assert delivery["quantity"] == "1"
    assert delivery["price_data"]["unit_amount"] == "1000000"
    assert form["client_reference_id"] == number
    assert form["metadata"] == {"order_number": number}
    assert form["customer_email"] == "sari@example.test"
    assert form["success_url"] == (
        f"http://etalase.test/bayar/{number}/{token}/kartu/selesai"
        "?session_id={CHECKOUT_SESSION_ID}"
    )
    assert form["cancel_url"] == f"http://etalase.test/lacak/{number}/{token}"
    assert abs(int(form["expires_at"]) - (time.time() + 3600)) < 60
    assert sent.headers["Authorization"] == f"Bearer {stripe_keys.api_key}"

    session = stripe_keys.sessions[order.stripe_session_id]
    assert url == session["url"]
    assert session["amount_total"] == (25_000 * 3 + 10_000) * 100 == order.total * 100
    assert session["currency"] == "idr"


def test_an_amount_outside_the_lines_is_sent_as_one_item_with_the_total(card_order, stripe_keys):
    order = card_order(price=20_000, quantity=2, shipping_fee=0)
    order.unique_code = 123  # never on a card order today; the total must still match
    db.session.flush()

    card.start_checkout(order)

    (item,) = stripe_keys.created()[0].form["line_items"]
    assert item["quantity"] == "1"
    assert item["price_data"]["unit_amount"] == str((40_000 + 123) * 100)


def test_no_transaction_is_open_while_stripe_is_called(card_order, stripe_keys):
    order = card_order()
    session = db.session()
    seen: list[bool] = []
    stripe_keys.on_create = lambda request: seen.append(session.in_transaction())

    card.start_checkout(order)

    assert seen == [False]
    assert order.stripe_session_id is not None


def test_a_second_press_reuses_the_open_session(card_order, stripe_keys):
    order = card_order()
    first = card.start_checkout(order)
    second = card.start_checkout(order)

    assert first == second
    assert len(stripe_keys.created()) == 1


def test_a_session_about_to_expire_is_expired_and_replaced(card_order, stripe_keys):
    order = card_order()
    card.start_checkout(order)
    old = order.stripe_session_id
    stripe_keys.sessions[old]["expires_at"] = int(time.time()) + 120

    card.start_checkout(order)

    assert order.stripe_session_id != old
    assert stripe_keys.sessions[old]["status"] == "expired"
    assert len(stripe_keys.created()) == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"payment": PaymentMethod.TRANSFER}, "not paid by card"),
        ({"shipping_fee": None}, "courier fee"),
        ({"status": OrderStatus.CANCELLED}, "closed"),
        ({"status": OrderStatus.EXPIRED}, "closed"),
    ],
)
def test_orders_that_cannot_be_paid_by_card_are_refused(card_order, stripe_keys, options, message):
    order = card_order(**options)
    assert not card.card_payable(order)

    with force_locale("en"), pytest.raises(DomainError, match=message):
        card.start_checkout(order)

    assert stripe_keys.requests == []
    assert order.stripe_session_id is None


def test_a_placed_order_with_a_known_total_can_be_paid_at_once(card_order, stripe_keys):
    """Pickup or local delivery: the buyer pays right after placing the order;
    the group confirms it afterwards."""
    order = card_order(status=OrderStatus.PLACED)
    assert card.card_payable(order)
    assert card.start_checkout(order).startswith("http")
    orders.mark_paid(order)
    assert order.is_paid and order.status is OrderStatus.PLACED


def test_a_paid_order_is_refused(card_order, stripe_keys):
    order = card_order()
    assert card.card_payable(order)
    orders.mark_paid(order)
    assert not card.card_payable(order)

    with force_locale("en"), pytest.raises(DomainError, match="already paid"):
        card.start_checkout(order)
    assert stripe_keys.requests == []


def test_an_order_closed_during_the_call_is_refused_and_its_session_expired(
    card_order, stripe_keys, monkeypatch
):
    order = card_order()
    order_id = order.id
    real_client = card.stripe_client

    def client_whose_create_races_a_cancel():
        client = real_client()
        create = client.v1.checkout.sessions.create

        def create_then_cancel(params, options=None):
            session = create(params, options)
            db.session.execute(
                update(Order).where(Order.id == order_id).values(status=OrderStatus.CANCELLED)
            )
            db.session.commit()
            return session

        monkeypatch.setattr(client.v1.checkout.sessions, "create", create_then_cancel)
        return client

    monkeypatch.setattr(card, "stripe_client", client_whose_create_races_a_cancel)

    with force_locale("en"), pytest.raises(DomainError, match="closed"):
        card.start_checkout(order)

    (session,) = stripe_keys.sessions.values()
    assert session["status"] == "expired"
    assert db.session.get(Order, order_id).stripe_session_id is None


def test_the_order_stays_open_while_its_session_can_be_paid(card_order, stripe_keys):
    order = card_order()
    order.expires_at = utcnow() + timedelta(minutes=5)
    db.session.flush()

    card.start_checkout(order)

    session_end = stripe_keys.sessions[order.stripe_session_id]["expires_at"]
    assert order.expires_at.timestamp() > session_end


def test_without_keys_card_is_not_offered(app, card_order, stripe_keys, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", "")
    assert card.card_enabled() is False
    assert not card.card_payable(card_order())
    with pytest.raises(DomainError):
        card.start_checkout(card_order())
    assert stripe_keys.requests == []
