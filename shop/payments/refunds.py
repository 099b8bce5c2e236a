"""Refunds: money that came in for an order and must go back to the buyer.

Rules, and why:
- A paid order is never closed without a refund record. `cancel_order` (the
  one service that cancels) calls `refund_closed_order` for a paid order, and
  a card payment that arrives for a closed, already paid or differently
  priced order (the webhook or the success page, shop.payments.card) calls
  `refund_card_payment`. Both write a `Refund` row, "due", in the caller's
  transaction; a closed order's payment status becomes "refund due", so no
  page says "Cancelled" beside "Paid".
- A card refund goes back through Stripe's Refund API, never by hand: the
  job `submit_card_refund` runs after the commit, with the idempotency key
  `refund-<id>` (a retry can never refund twice), and the scheduler
  (`retry_card_refunds`) tries again until Stripe answers. Stripe's answer,
  or its `refund.*`/`charge.refunded` webhook later, marks it refunded; a
  refusal marks it failed, for a person to look at (the group may then
  refund another way and record it).
- A transfer or cash refund is made by the group, which records it with a
  proof (a photo or PDF of the transfer back; optional for cash), private
  like a transfer proof: the group and the buyer see it, nobody else.
- When an order's last open refund is done, a closed order's payment status
  becomes "refunded" and the buyer is told.
"""

from __future__ import annotations

import logging
from typing import Any

import stripe
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from shop.accounts.models import User
from shop.core.text import clean_multiline
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import PaymentMethod
from shop.groups.ordering import card_enabled
from shop.jobs import enqueue_after_commit
from shop.media.evidence import store_evidence
from shop.orders.alerts import notify_buyer
from shop.orders.models import Order, OrderStatus, PaymentStatus
from shop.orders.services import add_event
from shop.payments.models import Refund, RefundCause, RefundStatus
from shop.payments.stripe_api import SessionFacts, stripe_client, to_stripe_amount
from shop.transaction import Midway, commit_midway

log = logging.getLogger(__name__)

SUBMIT_JOB = "shop.payments.refunds.submit_card_refund"
# Refunds looked at per run of the periodic retry.
RETRY_BATCH = 50
STRIPE_STATUS = {
    "succeeded": RefundStatus.REFUNDED,
    "pending": RefundStatus.PENDING,
    "requires_action": RefundStatus.PENDING,
    "failed": RefundStatus.FAILED,
    "canceled": RefundStatus.FAILED,
}

NOT_RECORDABLE = _l("This refund is not yours to record: it goes back by card through Stripe.")
ALREADY_DONE = _l("This refund is already recorded.")
PROOF_NEEDED = _l("Add the photo or PDF of your transfer back to the buyer.")
EMPTY_FILE = _l("The file is empty. Choose the photo or PDF of the refund transfer.")
PHOTO_OR_PDF = _l(
    "This file is neither a photo nor a PDF we can read. "
    "Send a photo (JPEG, PNG, WebP or HEIC) or a PDF of the refund transfer."
)


class RefundRefused(DomainError):
    pass


# Opening a refund (inside the caller's transaction)


def _open(order: Order, amount: int, method: PaymentMethod, cause: RefundCause, **stripe_ids):
    refund = Refund(order=order, amount=amount, method=method, cause=cause, **stripe_ids)
    db.session.add(refund)
    if order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED):
        order.payment_status = PaymentStatus.REFUND_DUE
    db.session.flush()
    if method is PaymentMethod.CARD:
        enqueue_after_commit(SUBMIT_JOB, refund.id)
    return refund


def refund_closed_order(order: Order, by: User | None = None) -> Refund:
    """The order was paid and is now closed: all it cost goes back, by the
    way it came (a card order through Stripe, from the session that paid it)."""
    assert order.total is not None
    session_id = None
    if order.payment_method is PaymentMethod.CARD:
        session_id = paid_session_id(order)
    refund = _open(
        order,
        order.total,
        order.payment_method,
        RefundCause.CANCELLED,
        stripe_session_id=session_id,
    )
    add_event(order, "refund-due", by=by)
    return refund


def paid_session_id(order: Order) -> str | None:
    """The Checkout Session that paid the order (its "paid" event names it)."""
    for event in reversed(order.events):
        if event.kind == "paid" and event.note.startswith("Stripe cs_"):
            return event.note.removeprefix("Stripe ").split()[0]
    return order.stripe_session_id


def refund_card_payment(
    order: Order, session_id: str, payment_intent: str | None, amount: int, cause: RefundCause
) -> Refund | None:
    """A card payment that cannot count for the order: it goes back. Once per
    session: a second report of the same payment changes nothing."""
    found = db.session.scalar(select(Refund).where(Refund.stripe_session_id == session_id))
    if found is not None:
        return None
    refund = _open(
        order,
        amount,
        PaymentMethod.CARD,
        cause,
        stripe_session_id=session_id,
        stripe_payment_intent=payment_intent,
    )
    add_event(order, "refund-due", note=f"Stripe {session_id}")
    return refund


# Settling


def _settle(refund: Refund, by: User | None = None) -> None:
    """The money is back: the timeline says so, and a closed order whose last
    refund this was is "refunded"; the buyer hears of it."""
    refund.status = RefundStatus.REFUNDED
    refund.refunded_at = utcnow()
    order = refund.order
    add_event(order, "refunded", by=by)
    if order.payment_status is PaymentStatus.REFUND_DUE and not any(
        other.is_open for other in order.refunds if other is not refund
    ):
        order.payment_status = PaymentStatus.REFUNDED
    notify_buyer(order, "refunded")
    db.session.flush()


def can_record(refund: Refund) -> bool:
    """Whether the group records this refund itself: a transfer or cash refund
    still due, or a card refund Stripe refused (then made another way)."""
    if refund.status is RefundStatus.REFUNDED:
        return False
    if refund.method is PaymentMethod.CARD:
        return refund.status is RefundStatus.FAILED
    return True


def record_refund(
    refund: Refund, upload: FileStorage | bytes | None, note: str, by: User | None
) -> Refund:
    """The group sent the money back: keep its proof and close the refund.
    A transfer refund needs a proof; for cash it is optional. Never commits."""
    db.session.flush()
    db.session.refresh(refund, with_for_update={"of": Refund})
    if refund.status is RefundStatus.REFUNDED:
        raise RefundRefused(ALREADY_DONE)
    if not can_record(refund):
        raise RefundRefused(NOT_RECORDABLE)
    has_file = upload is not None and (
        bool(upload) if isinstance(upload, bytes) else bool(upload.filename)
    )
    if has_file:
        assert upload is not None
        refund.image, refund.document = store_evidence(
            upload,
            field="proof",
            empty_message=EMPTY_FILE,
            not_readable_message=PHOTO_OR_PDF,
            error=RefundRefused,
        )
    elif refund.method is not PaymentMethod.CASH:
        raise RefundRefused(PROOF_NEEDED, field="proof")
    refund.note = clean_multiline(note, 500)
    refund.recorded_by_id = by.id if by else None
    _settle(refund, by)
    return refund


# Card refunds through Stripe (jobs: they commit, and call Stripe outside a transaction)


def _apply_stripe_refund(refund: Refund, data: dict[str, Any]) -> None:
    """What Stripe says of the refund (its API answer or a webhook)."""
    if data.get("id"):
        refund.stripe_refund_id = str(data["id"])
    if isinstance(data.get("payment_intent"), str):
        refund.stripe_payment_intent = data["payment_intent"]
    status = STRIPE_STATUS.get(str(data.get("status") or ""), RefundStatus.PENDING)
    if status is RefundStatus.REFUNDED:
        if refund.status is not RefundStatus.REFUNDED:
            _settle(refund)
        return
    if refund.status is RefundStatus.REFUNDED:
        return
    refund.status = status
    if status is RefundStatus.FAILED:
        refund.last_error = str(data.get("failure_reason") or data.get("status") or "")[:500]
        log.error("Stripe refund %s of order %s failed", refund.stripe_refund_id, refund.order_id)
    db.session.flush()


def submit_card_refund(refund_id: int) -> None:
    """Ask Stripe to refund a card refund that is due. Safe to run twice: the
    idempotency key `refund-<id>` makes Stripe answer a repeat with the same
    refund. Stripe unreachable: it stays due, for the next retry."""
    if not card_enabled():
        log.warning("card refund %s waits: Stripe is not configured", refund_id)
        return
    refund = db.session.get(Refund, refund_id)
    if refund is None or refund.method is not PaymentMethod.CARD:
        return
    if refund.status is not RefundStatus.DUE:
        return
    session_id, intent = refund.stripe_session_id, refund.stripe_payment_intent
    params: dict[str, Any] = {
        "amount": to_stripe_amount(refund.amount),
        "metadata": {"refund_id": str(refund.id), "order_number": refund.order.number},
    }
    refund.attempts += 1
    commit_midway(Midway.BEFORE_STRIPE)

    client = stripe_client()
    try:
        if not intent and session_id:
            session = client.v1.checkout.sessions.retrieve(session_id)
            intent = SessionFacts.of(session).payment_intent
        if not intent:
            raise stripe.InvalidRequestError("no payment intent to refund", param="payment_intent")
        answer = client.v1.refunds.create(
            {"payment_intent": intent, **params}, {"idempotency_key": f"refund-{refund_id}"}
        )
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as error:
        # No answer: the periodic retry asks again with the same key.
        _note_error(refund_id, error, RefundStatus.DUE)
        return
    except stripe.StripeError as error:
        _note_error(refund_id, error, RefundStatus.FAILED)
        return
    refund = db.session.get(Refund, refund_id, with_for_update=True, populate_existing=True)
    if refund is not None:
        _apply_stripe_refund(refund, answer.to_dict())
    commit_midway(Midway.AFTER_STRIPE)


def _note_error(refund_id: int, error: stripe.StripeError, status: RefundStatus) -> None:
    log.warning("Stripe refund %s: %s", refund_id, error)
    refund = db.session.get(Refund, refund_id, with_for_update=True, populate_existing=True)
    if refund is not None and refund.status is RefundStatus.DUE:
        refund.status = status
        refund.last_error = str(getattr(error, "user_message", None) or error)[:500]
    commit_midway(Midway.AFTER_STRIPE)


def _check_pending(refund_id: int) -> None:
    """A refund Stripe is still sending: ask how it went (a lost webhook)."""
    refund = db.session.get(Refund, refund_id)
    if refund is None or refund.status is not RefundStatus.PENDING or not refund.stripe_refund_id:
        return
    stripe_id = refund.stripe_refund_id
    commit_midway(Midway.BEFORE_STRIPE)
    try:
        answer = stripe_client().v1.refunds.retrieve(stripe_id)
    except stripe.StripeError as error:
        log.warning("could not ask Stripe about refund %s: %s", stripe_id, error)
        return
    refund = db.session.get(Refund, refund_id, with_for_update=True, populate_existing=True)
    if refund is not None:
        _apply_stripe_refund(refund, answer.to_dict())
    commit_midway(Midway.AFTER_STRIPE)


def retry_card_refunds() -> int:
    """The periodic task: card refunds still due are sent (again) to Stripe,
    pending ones are asked about. Returns how many were looked at."""
    if not card_enabled():
        return 0
    rows = db.session.execute(
        select(Refund.id, Refund.status)
        .where(
            Refund.method == PaymentMethod.CARD,
            Refund.status.in_((RefundStatus.DUE, RefundStatus.PENDING)),
        )
        .order_by(Refund.id)
        .limit(RETRY_BATCH)
    ).all()
    commit_midway(Midway.BEFORE_STRIPE)
    for refund_id, status in rows:
        if status is RefundStatus.DUE:
            submit_card_refund(refund_id)
        else:
            _check_pending(refund_id)
    return len(rows)


def handle_refund_event(kind: str, data: dict[str, Any]) -> None:
    """A verified `refund.*` or `charge.refunded` webhook event; the caller
    commits with the event's row."""
    if kind == "charge.refunded":
        intent = data.get("payment_intent")
        if not isinstance(intent, str):
            return
        refunds = db.session.scalars(
            select(Refund)
            .where(Refund.stripe_payment_intent == intent, Refund.stripe_refund_id.is_not(None))
            .with_for_update()
        ).all()
        listed = {r.get("id"): r for r in (data.get("refunds") or {}).get("data") or []}
        for refund in refunds:
            if refund.stripe_refund_id in listed:
                _apply_stripe_refund(refund, listed[refund.stripe_refund_id])
            elif data.get("refunded"):
                _apply_stripe_refund(refund, {"status": "succeeded"})
        return
    metadata = data.get("metadata") or {}
    stmt = select(Refund).where(Refund.stripe_refund_id == str(data.get("id") or ""))
    refund = db.session.scalar(stmt.with_for_update())
    if refund is None and str(metadata.get("refund_id") or "").isdigit():
        refund = db.session.get(Refund, int(metadata["refund_id"]), with_for_update=True)
    if refund is None:
        log.warning("Stripe refund %s names no refund here", data.get("id"))
        return
    _apply_stripe_refund(refund, data)
