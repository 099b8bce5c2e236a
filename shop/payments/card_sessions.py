"""Checkout Sessions for a card order: their parameters, and the attempts that
make, replay, reuse or expire them at Stripe (`shop.payments.card` opens one).

A Checkout Session is created with the idempotency key
`checkout-<order>-<attempt>`, and the attempt's start (stored on the order
before the call) fixes its parameters. A call that got no answer is repeated
with the same key and the same parameters, so Stripe answers with the session
it may already have made: never two payable sessions for one order. A new
attempt is begun only once the previous session is known to be over (expired
by us, or by Stripe's clock) and numbered anew.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import stripe
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from shop.core.templating import absolute_url
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.orders.models import Order
from shop.payments.stripe_api import CURRENCY, SessionFacts, to_stripe_amount
from shop.transaction import Midway, commit_midway

log = logging.getLogger(__name__)

# Stripe accepts 30 minutes to 24 hours; an hour keeps stock held briefly.
SESSION_LIFETIME = timedelta(hours=1)
# Time kept in hand around a session's end: an open session with less left is
# replaced rather than reused, and an order's deadline is kept this far past it.
MARGIN = timedelta(minutes=10)


class CardPaymentPending(DomainError):
    def __init__(self) -> None:
        super().__init__(_l("A card payment for this order is already being processed."))


def _line_items(order: Order) -> list[dict[str, Any]]:
    """One item per order line plus delivery, so the buyer sees on Stripe's
    page what they pay for. Should those not add up to the total (an amount
    outside the lines), one item with the whole total is sent instead: what
    Stripe charges must always equal `order.total`."""
    total = order.total
    assert total is not None

    def item(name: str, rupiah: int, quantity: int = 1) -> dict[str, Any]:
        return {
            "quantity": quantity,
            "price_data": {
                "currency": CURRENCY,
                "unit_amount": to_stripe_amount(rupiah),
                "product_data": {"name": name[:250]},
            },
        }

    items = [
        item(f"{line.product_name} ({line.variant_label})", line.unit_price, line.quantity)
        for line in order.lines
    ]
    if order.shipping_fee:
        items.append(item(_("Delivery"), order.shipping_fee))
    charged = sum(i["price_data"]["unit_amount"] * i["quantity"] for i in items)
    if charged != to_stripe_amount(total):
        items = [item(_("Order %(number)s", number=order.number), total)]
    return items


def session_params(order: Order, now: datetime) -> dict[str, Any]:
    """The Checkout Session create parameters for a payable order, for an
    attempt begun at `now` (the same `now`, the same parameters)."""
    back = {"number": order.number, "token": order.tracking_token}
    params: dict[str, Any] = {
        "mode": "payment",
        "payment_method_types": ["card"],
        "line_items": _line_items(order),
        "client_reference_id": order.number,
        "metadata": {"order_number": order.number},
        "payment_intent_data": {"metadata": {"order_number": order.number}},
        # Stripe fills in {CHECKOUT_SESSION_ID}; url_for would escape the braces.
        "success_url": absolute_url("payments.card_return", **back)
        + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": absolute_url("orders.track", **back),
        "expires_at": int((now + SESSION_LIFETIME).timestamp()),
        "locale": order.locale if order.locale in ("id", "en") else "auto",
    }
    if order.buyer_email:
        params["customer_email"] = order.buyer_email
    return params


@dataclass(frozen=True)
class Prepared:
    order_id: int
    number: str
    amount: int
    previous_session_id: str | None
    # The parameters without `expires_at`, which the attempt's start fixes.
    params: dict[str, Any]


@dataclass(frozen=True)
class Attempt:
    number: int
    started_at: datetime


def idempotency_key(order_number: str, attempt: int) -> str:
    return f"checkout-{order_number}-{attempt}"


def lock_order(**where: Any) -> Order | None:
    """The order, re-read and row-locked (PostgreSQL; SQLite has one writer)
    for the rest of this short transaction, which makes no call to Stripe."""
    stmt = select(Order).filter_by(**where).with_for_update()
    return db.session.scalar(stmt.execution_options(populate_existing=True))


def prepare(order: Order) -> tuple[Prepared, Attempt | None]:
    """What a call for this payable order needs, read before the transaction
    ends: its parameters, and the last attempt (None if there was none)."""
    assert order.total is not None
    params = session_params(order, utcnow())
    del params["expires_at"]
    prepared = Prepared(
        order_id=order.id,
        number=order.number,
        amount=to_stripe_amount(order.total),
        previous_session_id=order.stripe_session_id,
        params=params,
    )
    last = (
        Attempt(order.card_attempt, order.card_attempt_at)
        if order.card_attempt_at is not None
        else None
    )
    return prepared, last


def open_session(
    client: stripe.StripeClient, prepared: Prepared, last: Attempt | None
) -> SessionFacts:
    """The session the buyer can pay: the order's recorded one if still
    good, else the last attempt's, else one made by a new attempt."""
    session = None
    if prepared.previous_session_id:
        session = _reusable_session(client, prepared)
    elif last is not None:
        # The last attempt's call may have made a session we never heard of
        # (no answer in time): the same key and parameters get it back.
        session = _replay(client, prepared, last)
    if session is None:
        session = _create(client, prepared, _new_attempt(prepared.order_id))
    return session


def _create(client: stripe.StripeClient, prepared: Prepared, attempt: Attempt) -> SessionFacts:
    params = {
        **prepared.params,
        "expires_at": int((attempt.started_at + SESSION_LIFETIME).timestamp()),
    }
    key = idempotency_key(prepared.number, attempt.number)
    return SessionFacts.of(client.v1.checkout.sessions.create(params, {"idempotency_key": key}))


def _new_attempt(order_id: int) -> Attempt:
    """Number the next attempt and commit it before Stripe is called, so that
    a call without an answer is repeated under the same key."""
    locked = lock_order(id=order_id)
    if locked is None:
        db.session.rollback()
        raise DomainError(_l("This order is closed and can no longer be paid."))
    locked.card_attempt += 1
    locked.card_attempt_at = utcnow()
    attempt = Attempt(locked.card_attempt, locked.card_attempt_at)
    commit_midway(Midway.BEFORE_STRIPE)
    return attempt


def _replay(client: stripe.StripeClient, prepared: Prepared, last: Attempt) -> SessionFacts | None:
    """The session of the last attempt, asked for again under its key: reused
    if the buyer can still pay it, else expired (if open) so that the next
    attempt's session is the only live one. None: begin a new attempt."""
    try:
        replayed = _create(client, prepared, last)
    except (stripe.InvalidRequestError, stripe.IdempotencyError):
        # Stripe never made it and now refuses its parameters (its time is
        # past), or no longer knows the key: nothing of it is live.
        return None
    # A replay repeats the first answer; how the session is now, Stripe tells.
    session = SessionFacts.of(client.v1.checkout.sessions.retrieve(replayed.id))
    return _usable(client, prepared, session)


def _usable(
    client: stripe.StripeClient,
    prepared: Prepared,
    session: SessionFacts,
    *,
    recorded: bool = False,
) -> SessionFacts | None:
    """`session` if the buyer can still pay it (same amount, time left). One
    still open but not reusable is expired first, so that two sessions of one
    order can never both be paid; a `recorded` one (the order names it) is
    forgotten before, so its "expired" event is then ignored."""
    if session.status == "complete":
        raise CardPaymentPending()
    if session.status != "open":
        return None
    time_left = datetime.fromtimestamp(session.expires_at or 0, UTC) - utcnow()
    if (
        session.amount_total == prepared.amount
        and session.currency == CURRENCY
        and time_left > MARGIN
    ):
        return session
    if recorded:
        _forget_session(prepared.order_id, session.id)
    try:
        client.v1.checkout.sessions.expire(session.id)
    except stripe.InvalidRequestError:
        # Completed meanwhile: that payment is on its way to the webhook.
        raise CardPaymentPending() from None
    return None


def _reusable_session(client: stripe.StripeClient, prepared: Prepared) -> SessionFacts | None:
    """The order's recorded session, if the buyer can still pay it."""
    assert prepared.previous_session_id
    previous = SessionFacts.of(client.v1.checkout.sessions.retrieve(prepared.previous_session_id))
    return _usable(client, prepared, previous, recorded=True)


def _forget_session(order_id: int, session_id: str) -> None:
    locked = lock_order(id=order_id)
    if locked is not None and locked.stripe_session_id == session_id:
        locked.stripe_session_id = None
    commit_midway(Midway.BEFORE_STRIPE)


def expire_at_stripe(client: stripe.StripeClient, session_id: str) -> None:
    try:
        client.v1.checkout.sessions.expire(session_id)
    except stripe.StripeError:
        log.warning("could not expire Checkout Session %s", session_id, exc_info=True)
