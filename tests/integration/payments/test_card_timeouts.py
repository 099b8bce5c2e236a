"""Stripe that answers slowly or not at all: the buyer gets a clear "try
again" at once, and however often the call is repeated the order has one
payable Checkout Session (idempotency keys from the order and its attempt)."""

from __future__ import annotations

import time

import pytest
import stripe

from shop.extensions import db
from shop.orders.models import Order
from shop.payments import card, stripe_api

pytestmark = pytest.mark.usefixtures("stripe_keys")


@pytest.fixture
def impatient(app, monkeypatch):
    """Stripe must answer within 0.3 s; no network retry unless a test asks."""
    monkeypatch.setitem(app.config, "STRIPE_CONNECT_TIMEOUT", 1.0)
    monkeypatch.setitem(app.config, "STRIPE_READ_TIMEOUT", 0.3)
    monkeypatch.setitem(app.config, "STRIPE_MAX_NETWORK_RETRIES", 0)


def pay_url(order: Order) -> str:
    return f"/bayar/{order.number}/{order.tracking_token}/kartu"


def keys(fake) -> list[str]:
    return [r.headers.get("Idempotency-Key") for r in fake.created()]


def test_the_client_has_the_configured_timeouts_and_retries(app, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_x")
    client = stripe_api.stripe_client()
    http = client._requestor._client
    assert isinstance(http, stripe.RequestsClient)
    assert http._timeout == (5.0, 15.0)
    assert client._requestor._options.max_network_retries == 1


@pytest.mark.usefixtures("impatient")
def test_a_press_after_a_call_without_answer_gets_the_same_session(client, card_order, stripe_keys):
    order = card_order()
    number = order.number
    stripe_keys.stall["create"] = 1  # Stripe makes the session, the answer comes late
    client.set_cookie("lang", "en")

    response = client.post(pay_url(order))

    # Told at once, order unchanged.
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/lacak/{number}/")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "did not answer in time. Your order has not changed: try again." in page
    assert db.session.get(Order, order.id, populate_existing=True).stripe_session_id is None

    stripe_keys.release()
    stripe_keys.wait_for_stalled_answers(1)
    response = client.post(pay_url(order))

    (live,) = stripe_keys.live_sessions()
    assert response.headers["Location"] == live["url"]
    assert db.session.get(Order, order.id, populate_existing=True).stripe_session_id == live["id"]
    assert len(stripe_keys.sessions) == 1
    assert keys(stripe_keys) == [f"checkout-{number}-1"] * 2


def test_a_network_retry_inside_one_press_gets_the_same_session(
    app, card_order, stripe_keys, monkeypatch
):
    monkeypatch.setitem(app.config, "STRIPE_READ_TIMEOUT", 0.3)
    monkeypatch.setitem(app.config, "STRIPE_MAX_NETWORK_RETRIES", 1)
    order = card_order()
    stripe_keys.stall["create"] = 1

    url = card.start_checkout(order)

    stripe_keys.release()
    (live,) = stripe_keys.live_sessions()
    assert url == live["url"]
    assert len(stripe_keys.created()) == 2
    assert len(set(keys(stripe_keys))) == 1


@pytest.mark.usefixtures("impatient")
def test_a_stripe_outage_tells_the_buyer_and_changes_nothing(client, card_order, stripe_keys):
    order = card_order()
    stripe_keys.outage["create"] = 1
    client.set_cookie("lang", "en")

    response = client.post(pay_url(order))

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "could not be opened" in page
    assert stripe_keys.sessions == {}
    response = client.post(pay_url(order))
    assert len(stripe_keys.live_sessions()) == 1


def test_a_new_attempt_comes_only_after_the_old_session_is_expired(card_order, stripe_keys):
    order = card_order()
    number = order.number
    card.start_checkout(order)
    old = order.stripe_session_id
    # Too little time left on Stripe's page: the buyer needs a new one.
    stripe_keys.sessions[old]["expires_at"] = int(time.time()) + 120

    card.start_checkout(order)

    assert stripe_keys.sessions[old]["status"] == "expired"
    (live,) = stripe_keys.live_sessions()
    assert live["id"] == order.stripe_session_id != old
    assert keys(stripe_keys) == [f"checkout-{number}-1", f"checkout-{number}-2"]
    expire_at = next(
        i for i, r in enumerate(stripe_keys.requests) if r.path.endswith(f"{old}/expire")
    )
    created_at = [i for i, r in enumerate(stripe_keys.requests) if r in stripe_keys.created()]
    assert created_at[0] < expire_at < created_at[1]


@pytest.mark.usefixtures("impatient")
def test_a_lost_session_about_to_end_is_expired_before_the_next_attempt(card_order, stripe_keys):
    """The answer never came, and by the next press the session Stripe made
    has little time left: it is expired, then attempt 2 makes the only live one."""
    order = card_order()
    number = order.number
    stripe_keys.stall["create"] = 1
    with pytest.raises(stripe.APIConnectionError):
        card.start_checkout(order)
    stripe_keys.release()
    stripe_keys.wait_for_stalled_answers(1)
    (lost,) = stripe_keys.sessions.values()
    lost["expires_at"] = int(time.time()) + 120

    card.start_checkout(db.session.get(Order, order.id))

    assert lost["status"] == "expired"
    (live,) = stripe_keys.live_sessions()
    assert live["id"] != lost["id"]
    assert keys(stripe_keys) == [f"checkout-{number}-1"] * 2 + [f"checkout-{number}-2"]
