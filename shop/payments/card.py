"""Card payments through Stripe Checkout: opening a session for an order, and
counting the sessions Stripe says were paid.

Rules, and why:
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
- The client, its timeouts and the conversion of amounts are
  `shop.payments.stripe_api`; the sessions' keys, attempts and parameters
  `shop.payments.card_sessions`.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

import stripe
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import PaymentMethod
from shop.groups.ordering import card_enabled
from shop.orders import services as orders
from shop.orders.models import Order
from shop.payments import card_sessions, refunds
from shop.payments.card_sessions import MARGIN, lock_order
from shop.payments.models import ProcessedStripeEvent, RefundCause
from shop.payments.stripe_api import (
    CURRENCY,
    SessionFacts,
    from_stripe_amount,
    stripe_client,
    to_stripe_amount,
)
from shop.transaction import Midway, commit_midway

log = logging.getLogger(__name__)

PAID_EVENTS = frozenset({"checkout.session.completed", "checkout.session.async_payment_succeeded"})
EXPIRED_EVENT = "checkout.session.expired"
REFUND_EVENTS = frozenset({"refund.created", "refund.updated", "refund.failed", "charge.refunded"})
_SESSION_ID = re.compile(r"^cs_[A-Za-z0-9_]{1,250}$")


class CardUnavailable(DomainError):
    pass


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
    prepared, last = card_sessions.prepare(order)
    commit_midway(Midway.BEFORE_STRIPE)

    client = stripe_client()
    session = card_sessions.open_session(client, prepared, last)
    _record_session(client, prepared.order_id, session)
    assert session.url
    return session.url


def _record_session(client: stripe.StripeClient, order_id: int, session: SessionFacts) -> None:
    """Name the session on the order, if it can still be paid (else expire
    the session at Stripe and raise why not), and commit."""
    locked = lock_order(id=order_id)
    problem = (
        _payable_problem(locked)
        if locked is not None
        else DomainError(_l("This order is closed and can no longer be paid."))
    )
    if problem is not None:
        db.session.rollback()
        card_sessions.expire_at_stripe(client, session.id)
        raise problem
    assert locked is not None and session.expires_at is not None
    locked.stripe_session_id = session.id
    # The order must stay open while its session can still be paid; the
    # session's "expired" event closes it then.
    session_end = datetime.fromtimestamp(session.expires_at, UTC)
    if locked.expires_at is not None and locked.expires_at < session_end:
        locked.expires_at = session_end + MARGIN
    commit_midway(Midway.AFTER_STRIPE)


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
    order = lock_order(number=session.order_number)
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
    order = lock_order(number=session.order_number)
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
