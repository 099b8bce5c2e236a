"""Delivering the outbox: claim a due message, send it, record the outcome.

Each message goes through two short transactions of its own, and no database
lock is held while the mail server is talked to:

1. claim: one UPDATE picks the next due message, counts the attempt and
   leases it (moves `next_attempt_at` forward), then commits. On PostgreSQL
   the pick is `FOR UPDATE SKIP LOCKED`, so several workers drain at once;
   on SQLite the single UPDATE is serialised by the database's write lock.
2. outcome: sent, or the error and the next attempt (or `failed` after the
   last one), then commit.

Only outbox rows are touched, so a delivery problem never changes or rolls
back an order. A worker that dies between sending and recording leaves the
lease to run out and the message is sent again: delivery is at least once,
with a stable Message-ID per message.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import aliased

from shop.db import utcnow
from shop.extensions import db
from shop.notify.models import OutboxMessage, OutboxStatus
from shop.notify.senders import Email, Sender, get_sender

log = logging.getLogger(__name__)

# Wait after the 1st, 2nd, … failed attempt; after the last attempt: failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# Longer than any SMTP exchange can take (timeouts are seconds).
LEASE = timedelta(minutes=10)
ERROR_MAX = 2000


class DeliveryResult(NamedTuple):
    sent: int
    failed: int
    retried: int


def next_attempt_at(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed tries; None: give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + BACKOFF[max(attempts, 1) - 1]


def _claim(now: datetime) -> tuple[int, int, Email] | None:
    """Lease the next due message: (id, attempts so far, its email), committed."""
    due = aliased(OutboxMessage)
    pick = (
        select(due.id)
        .where(due.status == OutboxStatus.PENDING, due.next_attempt_at <= now)
        .order_by(due.next_attempt_at, due.id)
        .limit(1)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(OutboxMessage)
        .where(
            OutboxMessage.id == pick.scalar_subquery(),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + LEASE)
        .returning(
            OutboxMessage.id,
            OutboxMessage.attempts,
            OutboxMessage.recipient,
            OutboxMessage.subject,
            OutboxMessage.body_text,
            OutboxMessage.body_html,
        )
        .execution_options(synchronize_session=False)
    )
    row = db.session.execute(stmt).one_or_none()
    db.session.commit()
    if row is None:
        return None
    email = Email(
        recipient=row.recipient,
        subject=row.subject,
        text=row.body_text,
        html=row.body_html,
        reference=f"etalase.outbox.{row.id}",
    )
    return row.id, row.attempts, email


def _record(message_id: int, **values: object) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def deliver_due(
    limit: int = 100, *, sender: Sender | None = None, now: datetime | None = None
) -> DeliveryResult:
    """Send up to `limit` due messages; (sent, failed for good, to be retried).

    A sender's exception is recorded on its message, never raised.
    """
    sender = sender or get_sender()
    sent = failed = retried = 0
    for _ in range(limit):
        moment = now or utcnow()
        claimed = _claim(moment)
        if claimed is None:
            break
        message_id, attempts, email = claimed
        try:
            sender.send(email)
        except Exception as exc:  # any failure of any sender is recorded and retried
            error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX]
            retry_at = next_attempt_at(attempts, moment)
            if retry_at is None:
                failed += 1
                log.error(
                    "Outbox %s failed for good after %s attempts: %s", message_id, attempts, error
                )
                _record(message_id, status=OutboxStatus.FAILED, last_error=error)
            else:
                retried += 1
                log.warning(
                    "Outbox %s attempt %s failed, retry at %s: %s",
                    message_id,
                    attempts,
                    retry_at,
                    error,
                )
                _record(message_id, next_attempt_at=retry_at, last_error=error)
        else:
            sent += 1
            _record(message_id, status=OutboxStatus.SENT, sent_at=utcnow(), last_error="")
    return DeliveryResult(sent, failed, retried)


def requeue_failed(ids: list[int] | None = None) -> int:
    """Give failed messages a fresh set of attempts (e.g. after a long mail
    outage). Does not commit."""
    stmt = (
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if ids:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    return cast(CursorResult[Any], db.session.execute(stmt)).rowcount


def drain(batch: int = 100) -> DeliveryResult:
    """Deliver everything due now, batch after batch."""
    sent = failed = retried = 0
    while True:
        result = deliver_due(limit=batch)
        sent, failed, retried = sent + result.sent, failed + result.failed, retried + result.retried
        if sum(result) < batch:
            return DeliveryResult(sent, failed, retried)
