"""Card payments through Stripe Checkout: the only place that talks to Stripe.

Rules, and why:
- Money is rupiah everywhere else; `to_stripe_amount` is the one conversion.
  Stripe does not treat IDR as zero-decimal, so Rp25.000 is sent as 2500000.
- No database transaction is open while Stripe is called: `start_checkout`
  and `fulfil_session` end the caller's transaction (commit) first, call
  Stripe, then write in a new short transaction. A slow or hanging Stripe
  call then never holds a row lock (PostgreSQL) or the write lock (SQLite,
  where a form's transaction begins IMMEDIATE) while everyone else waits.
- An order counts as paid only when Stripe says its session is paid and the
  amount and currency match the order, whether that is learnt from the
  signed webhook or from the success page (whichever comes first; the second
  finds the order paid and changes nothing). A return from Checkout alone
  proves nothing.
- Each webhook event id is stored (unique) in the transaction of the change
  it causes: a repeated delivery fails on the constraint and changes nothing.
- A paid session that cannot count (the order closed meanwhile, was already
  paid another way, or the amount differs) opens a card refund
  (shop.payments.refunds), which goes back through Stripe's Refund API.
- Every call has a connect and a read timeout and at most
  STRIPE_MAX_NETWORK_RETRIES repeats: a hung API costs the buyer seconds and
  a clear "try again", never a long wait or an error page.
- A Checkout Session is created with the idempotency key
  `checkout-<order>-<attempt>`, and the attempt's start (stored on the order
  before the call) fixes its parameters. A call that got no answer is
  repeated with the same key and the same parameters, so Stripe answers with
  the session it may already have made: never two payable sessions for one
  order. A new attempt is begun only once the previous session is known to
  be over (expired by us, or by Stripe's clock) and numbered anew.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import stripe
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shop.core.templating import absolute_url
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import PaymentMethod
from shop.orders import services as orders
from shop.orders.models import Order
from shop.payments import refunds
from shop.payments.models import ProcessedStripeEvent, RefundCause
from shop.transaction import Midway, commit_midway

log = logging.getLogger(__name__)

CURRENCY = "idr"
# Stripe accepts 30 minutes to 24 hours; an hour keeps stock held briefly.
SESSION_LIFETIME = timedelta(hours=1)
# Time kept in hand around a session's end: an open session with less left is
# replaced rather than reused, and an order's deadline is kept this far past it.
MARGIN = timedelta(minutes=10)
PAID_EVENTS = frozenset({"checkout.session.completed", "checkout.session.async_payment_succeeded"})
EXPIRED_EVENT = "checkout.session.expired"
REFUND_EVENTS = frozenset({"refund.created", "refund.updated", "refund.failed", "charge.refunded"})
_SESSION_ID = re.compile(r"^cs_[A-Za-z0-9_]{1,250}$")


class CardUnavailable(DomainError):
    pass


class CardPaymentPending(DomainError):
    def __init__(self) -> None:
        super().__init__(_l("A card payment for this order is already being processed."))


def card_enabled() -> bool:
    """Card is offered only when the operator set both keys: without the
    webhook secret no payment could ever be confirmed."""
    config = current_app.config
    return bool(config.get("STRIPE_SECRET_KEY")) and bool(config.get("STRIPE_WEBHOOK_SECRET"))


def stripe_client() -> stripe.StripeClient:
    """A client from the app's config (no module globals); STRIPE_API_BASE,
    when set, points it at another server (the tests' fake Stripe). Its HTTP
    client waits at most STRIPE_CONNECT_TIMEOUT / STRIPE_READ_TIMEOUT seconds
    and a call without an answer is repeated STRIPE_MAX_NETWORK_RETRIES times
    (with its idempotency key). One client per app and settings is kept, so
    connections to Stripe are reused (the client keeps one pool per thread)."""
    config = current_app.config
    key = (
        config["STRIPE_SECRET_KEY"],
        config.get("STRIPE_API_BASE") or "",
        float(config["STRIPE_CONNECT_TIMEOUT"]),
        float(config["STRIPE_READ_TIMEOUT"]),
        int(config["STRIPE_MAX_NETWORK_RETRIES"]),
    )
    clients = current_app.extensions.setdefault("etalase.stripe_clients", {})
    client = clients.get(key)
    if client is None:
        secret, base, connect, read, retries = key
        client = stripe.StripeClient(
            secret,
            base_addresses={"api": base} if base else None,
            http_client=stripe.RequestsClient(timeout=(connect, read)),
            max_network_retries=retries,
        )
        clients[key] = client
    return client


def to_stripe_amount(rupiah: int) -> int:
    """Rupiah to Stripe's smallest unit for IDR: hundredths (sen)."""
    if isinstance(rupiah, bool) or not isinstance(rupiah, int) or rupiah < 0:
        raise ValueError(f"not a rupiah amount: {rupiah!r}")
    return rupiah * 100


def from_stripe_amount(amount: int) -> int:
    """Stripe's hundredths of a rupiah back to whole rupiah (rounded up: a
    refund never gives back less than was paid)."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValueError(f"not a Stripe amount: {amount!r}")
    return -(-amount // 100)


@dataclass(frozen=True)
class SessionFacts:
    """What we use of a Checkout Session, from the API or a webhook event."""

    id: str
    status: str
    payment_status: str
    amount_total: int | None
    currency: str
    order_number: str
    url: str | None
    expires_at: int | None
    payment_intent: str | None

    @classmethod
    def of(cls, session: Any) -> SessionFacts:
        # stripe >= 15: a StripeObject is not a dict; read it as one plain dict.
        data = session.to_dict() if isinstance(session, stripe.StripeObject) else dict(session)
        metadata = data.get("metadata") or {}
        intent = data.get("payment_intent")
        return cls(
            id=str(data.get("id") or ""),
            status=str(data.get("status") or ""),
            payment_status=str(data.get("payment_status") or ""),
            amount_total=data.get("amount_total"),
            currency=str(data.get("currency") or "").lower(),
            order_number=str(metadata.get("order_number") or data.get("client_reference_id") or ""),
            url=data.get("url"),
            expires_at=data.get("expires_at"),
            payment_intent=intent if isinstance(intent, str) else None,
        )


def _payable_problem(order: Order) -> DomainError | None:
    """Why this order cannot be paid by card now, or None. A placed order
    whose total is known (pickup, local delivery) can be paid at once."""
    if order.payment_method is not PaymentMethod.CARD:
        return DomainError(_l("This order is not paid by card."))
    if order.is_paid:
        return DomainError(_l("This order is already paid."))
    if order.status.is_final:
        return DomainError(_l("This order is closed and can no longer be paid."))
    if order.total is None:
        return DomainError(
            _l("The total is not final yet: the group still has to confirm the courier fee.")
        )
    return None


def card_payable(order: Order) -> bool:
    """Whether the tracking page offers "Pay by card" for this order now."""
    return card_enabled() and _payable_problem(order) is None


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
class _Prepared:
    order_id: int
    number: str
    amount: int
    previous_session_id: str | None
    # The parameters without `expires_at`, which the attempt's start fixes.
    params: dict[str, Any]


@dataclass(frozen=True)
class _Attempt:
    number: int
    started_at: datetime


def idempotency_key(order_number: str, attempt: int) -> str:
    return f"checkout-{order_number}-{attempt}"


def _lock_order(**where: Any) -> Order | None:
    """The order, re-read and row-locked (PostgreSQL; SQLite has one writer)
    for the rest of this short transaction, which makes no call to Stripe."""
    stmt = select(Order).filter_by(**where).with_for_update()
    return db.session.scalar(stmt.execution_options(populate_existing=True))


def start_checkout(order: Order) -> str:
    """Open (or reuse) a Checkout Session for the order; returns its URL.

    Transactions: the payable check and the parameters are read first, then
    the caller's transaction is committed so nothing is held while Stripe is
    called; a new attempt is numbered and committed before its call, and the
    session id is written afterwards in a new short transaction (order row
    locked, state checked again), which this function commits. If the order
    stopped being payable during the call, the new session is expired at
    Stripe (after that transaction ended) and the refusal raised. Stripe
    unreachable: stripe.APIConnectionError, the order as it was.
    """
    if not card_enabled():
        raise CardUnavailable(_l("Card payments are not available."))
    problem = _payable_problem(order)
    if problem is not None:
        raise problem
    assert order.total is not None
    params = session_params(order, utcnow())
    del params["expires_at"]
    prepared = _Prepared(
        order_id=order.id,
        number=order.number,
        amount=to_stripe_amount(order.total),
        previous_session_id=order.stripe_session_id,
        params=params,
    )
    last = (
        _Attempt(order.card_attempt, order.card_attempt_at)
        if order.card_attempt_at is not None
        else None
    )
    commit_midway(Midway.BEFORE_STRIPE)

    client = stripe_client()
    session = None
    if prepared.previous_session_id:
        session = _reusable_session(client, prepared)
    elif last is not None:
        # The last attempt's call may have made a session we never heard of
        # (no answer in time): the same key and parameters get it back.
        session = _replay(client, prepared, last)
    if session is None:
        session = _create(client, prepared, _new_attempt(prepared.order_id))

    locked = _lock_order(id=prepared.order_id)
    problem = (
        _payable_problem(locked)
        if locked is not None
        else DomainError(_l("This order is closed and can no longer be paid."))
    )
    if problem is not None:
        db.session.rollback()
        _expire_at_stripe(client, session.id)
        raise problem
    assert locked is not None and session.expires_at is not None
    locked.stripe_session_id = session.id
    # The order must stay open while its session can still be paid; the
    # session's "expired" event closes it then.
    session_end = datetime.fromtimestamp(session.expires_at, UTC)
    if locked.expires_at is not None and locked.expires_at < session_end:
        locked.expires_at = session_end + MARGIN
    commit_midway(Midway.AFTER_STRIPE)
    assert session.url
    return session.url


def _create(client: stripe.StripeClient, prepared: _Prepared, attempt: _Attempt) -> SessionFacts:
    params = {
        **prepared.params,
        "expires_at": int((attempt.started_at + SESSION_LIFETIME).timestamp()),
    }
    key = idempotency_key(prepared.number, attempt.number)
    return SessionFacts.of(client.v1.checkout.sessions.create(params, {"idempotency_key": key}))


def _new_attempt(order_id: int) -> _Attempt:
    """Number the next attempt and commit it before Stripe is called, so that
    a call without an answer is repeated under the same key."""
    locked = _lock_order(id=order_id)
    if locked is None:
        db.session.rollback()
        raise DomainError(_l("This order is closed and can no longer be paid."))
    locked.card_attempt += 1
    locked.card_attempt_at = utcnow()
    attempt = _Attempt(locked.card_attempt, locked.card_attempt_at)
    commit_midway(Midway.BEFORE_STRIPE)
    return attempt


def _replay(
    client: stripe.StripeClient, prepared: _Prepared, last: _Attempt
) -> SessionFacts | None:
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
    prepared: _Prepared,
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


def _reusable_session(client: stripe.StripeClient, prepared: _Prepared) -> SessionFacts | None:
    """The order's recorded session, if the buyer can still pay it."""
    assert prepared.previous_session_id
    previous = SessionFacts.of(client.v1.checkout.sessions.retrieve(prepared.previous_session_id))
    return _usable(client, prepared, previous, recorded=True)


def _forget_session(order_id: int, session_id: str) -> None:
    locked = _lock_order(id=order_id)
    if locked is not None and locked.stripe_session_id == session_id:
        locked.stripe_session_id = None
    commit_midway(Midway.BEFORE_STRIPE)


def _expire_at_stripe(client: stripe.StripeClient, session_id: str) -> None:
    try:
        client.v1.checkout.sessions.expire(session_id)
    except stripe.StripeError:
        log.warning("could not expire Checkout Session %s", session_id, exc_info=True)


def fulfil_session(session_id: str) -> Order | None:
    """Ask Stripe about a session (the success page) and count it if paid.

    Returns the order this session paid, or None (not paid yet, unknown, or
    not countable). The caller's transaction is committed before the call to
    Stripe; the change is left for the caller to commit.
    """
    if not _SESSION_ID.match(session_id or ""):
        return None
    commit_midway(Midway.BEFORE_STRIPE)
    session = stripe_client().v1.checkout.sessions.retrieve(session_id)
    return _fulfil(SessionFacts.of(session))


def _paid_note(session: SessionFacts) -> str:
    return f"Stripe {session.id}"


def _fulfil(session: SessionFacts) -> Order | None:
    if session.payment_status != "paid" or not session.order_number:
        return None
    order = _lock_order(number=session.order_number)
    if order is None:
        log.warning("paid Checkout Session %s names no order here", session.id)
        return None
    if (
        session.currency != CURRENCY
        or order.total is None
        or session.amount_total != to_stripe_amount(order.total)
    ):
        _refund_due(order, session, RefundCause.AMOUNT)
        return None
    if order.is_paid:
        if any(e.kind == "paid" and session.id in e.note for e in order.events):
            return order
        _refund_due(order, session, RefundCause.PAID_TWICE)
        return None
    try:
        orders.mark_paid(order, note=_paid_note(session))
    except orders.InvalidTransition:
        _refund_due(order, session, RefundCause.CLOSED)
        return None
    return order


def _refund_due(order: Order, session: SessionFacts, cause: RefundCause) -> None:
    """A paid session that cannot count: its money goes back by card, once."""
    amount = from_stripe_amount(session.amount_total or 0)
    if amount <= 0:
        log.error("Checkout Session %s was paid with no amount; nothing to refund", session.id)
        return
    refund = refunds.refund_card_payment(order, session.id, session.payment_intent, amount, cause)
    if refund is not None:
        log.warning(
            "Checkout Session %s (payment %s) was paid but not counted for order %s (%s): "
            "refund %s opened",
            session.id,
            session.payment_intent,
            order.number,
            cause.value,
            refund.id,
        )


def _expire(session: SessionFacts) -> None:
    """Stock comes back when the order's current session expires unpaid; an
    older session it no longer names (replaced) changes nothing."""
    if not session.order_number:
        return
    order = _lock_order(number=session.order_number)
    if order is None or order.stripe_session_id != session.id:
        return
    orders.expire_order(order)


def handle_event(event: stripe.Event) -> bool:
    """Apply a verified webhook event; False if it was seen before (or is a
    kind we do not handle) and so changed nothing. The caller commits: the
    event row and the change it caused are one transaction."""
    kind = event.type
    if kind not in PAID_EVENTS and kind != EXPIRED_EVENT and kind not in REFUND_EVENTS:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(ProcessedStripeEvent(event_id=event.id, kind=kind))
    except IntegrityError:
        return False
    if kind in REFUND_EVENTS:
        refunds.handle_refund_event(kind, event.data.object.to_dict())
        return True
    session = SessionFacts.of(event.data.object)
    if kind in PAID_EVENTS:
        _fulfil(session)
    else:
        _expire(session)
    return True
