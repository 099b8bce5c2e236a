"""Delivering the outbox: claim due messages, send them, record the outcomes.

Messages are delivered in small batches (`CLAIM_BATCH`), each through two
short transactions, and no database lock is held while the mail server (or
the WhatsApp Cloud API) is talked to:

1. claim: one UPDATE picks up to a batch of due messages, counts an attempt
   on each and leases them (moves `next_attempt_at` forward), then commits.
   On PostgreSQL the pick is `FOR UPDATE SKIP LOCKED`, so several workers
   drain at once; on SQLite the single UPDATE is serialised by the
   database's write lock.
2. outcomes, once the batch is sent: each message sent (with the provider's
   message id, for WhatsApp), or its error and next attempt (or `failed`
   after the last one, or at once when the sender says retrying cannot
   help), all in one commit.

Two transactions a batch, not two a message: the emails of a checkout
delivered by the web process that served it (no job queue) take SQLite's
one write lock twice, not twice per email.

The row's channel picks the sender: email over SMTP or into the log,
WhatsApp through the Cloud API or into the log (`shop.notify.whatsapp`), a
web push notification through the browser's push service (`shop.notify.push`).

Only outbox rows are touched, so a delivery problem never changes or rolls
back an order. A worker that dies between sending and recording leaves the
lease to run out and the message is sent again: delivery is at least once,
with a stable Message-ID per email.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

from flask import current_app
from sqlalchemy import CursorResult, Row, select, update
from sqlalchemy.orm import aliased

from shop.db import utcnow
from shop.extensions import db
from shop.notify.messaging import SECRET_TEMPLATES, masked
from shop.notify.models import OutboxChannel, OutboxMessage, OutboxStatus
from shop.notify.push import PushNotification, PushSender
from shop.notify.senders import Email, PermanentFailure, Sender, get_sender
from shop.notify.whatsapp import WhatsAppMessage, whatsapp_sender

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
# Longer than any SMTP exchange or API call can take (timeouts are seconds).
LEASE = timedelta(minutes=10)
# Messages claimed at once: a batch is sent well within its lease even when
# every message runs into its sender's timeout.
CLAIM_BATCH = 10
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


def _claim(now: datetime, count: int) -> list[Row[Any]]:
    """Lease the next `count` due messages (or fewer) and return their rows
    (id, attempts so far, channel and contents) in id order, committed."""
    due = aliased(OutboxMessage)
    pick = (
        select(due.id)
        .where(due.status == OutboxStatus.PENDING, due.next_attempt_at <= now)
        .order_by(due.next_attempt_at, due.id)
        .limit(count)
    )
    # The pick is a CTE, run once: PostgreSQL may run a subquery of the
    # WHERE again for each row, and a locking pick run again skips the rows
    # this UPDATE has just changed, so it would claim past `count`.
    if db.session.get_bind().dialect.name == "postgresql":
        picked = pick.with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED")
    else:
        picked = pick.cte("picked")
    stmt = (
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(select(picked.c.id)),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + LEASE)
        .returning(
            OutboxMessage.id,
            OutboxMessage.attempts,
            OutboxMessage.channel,
            OutboxMessage.recipient,
            OutboxMessage.subject,
            OutboxMessage.body_text,
            OutboxMessage.body_html,
            OutboxMessage.template,
            OutboxMessage.params,
            OutboxMessage.locale,
        )
        .execution_options(synchronize_session=False)
    )
    rows = sorted(db.session.execute(stmt).all(), key=lambda row: row.id)
    db.session.commit()
    return rows


def _outgoing(row: Row[Any]) -> Email | WhatsAppMessage | PushNotification:
    """What the channel's sender takes, from a claimed row."""
    reference = f"etalase.outbox.{row.id}"
    if row.channel == OutboxChannel.PUSH:
        return PushNotification(
            recipient=row.recipient,
            payload=row.body_text,
            reference=reference,
            target=json.loads(row.params) if row.params else None,
        )
    if row.channel == OutboxChannel.WHATSAPP:
        return WhatsAppMessage(
            recipient=row.recipient,
            template=row.template,
            params=json.loads(row.params or "[]"),
            locale=row.locale,
            text=row.body_text,
            reference=reference,
        )
    return Email(
        recipient=row.recipient,
        subject=row.subject,
        text=row.body_text,
        html=row.body_html,
        reference=reference,
    )


def _without_secrets(row: Row[Any]) -> dict[str, str]:
    """A sent code's row, masked: the words stay readable, the code is gone."""
    params = json.loads(row.params or "[]")
    return {
        "params": json.dumps([masked(p, params) for p in params], ensure_ascii=False),
        "body_text": masked(row.body_text, params),
        "subject": masked(row.subject, params),
    }


def _sender_for(channel: str) -> Sender:
    if channel == OutboxChannel.WHATSAPP:
        return whatsapp_sender(current_app.config)
    if channel == OutboxChannel.EMAIL:
        return get_sender()
    if channel == OutboxChannel.PUSH:
        return PushSender(current_app.config)
    raise ValueError(f"no sender for the channel {channel!r}")


def _record(message_id: int, **values: object) -> None:
    """One message's outcome; committed with its batch's."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def deliver_due(
    limit: int = 100, *, sender: Sender | None = None, now: datetime | None = None
) -> DeliveryResult:
    """Send up to `limit` due messages; (sent, failed for good, to be retried).

    `sender` sends every message whatever its channel (tests); otherwise each
    channel's sender is made once per call, as the settings say. A sender's
    exception (or a sender that cannot be made: a setting missing) is
    recorded on its message, never raised, and never holds up the others.
    """
    senders: dict[str, Sender] = {}
    sent = failed = retried = 0
    while (asked := min(CLAIM_BATCH, limit - sent - failed - retried)) > 0:
        moment = now or utcnow()
        rows = _claim(moment, asked)
        for row in rows:
            try:
                provider_id = _chosen(row, sender, senders).send(_outgoing(row))
            except Exception as exc:  # any failure of any sender is recorded and retried
                if _record_failure(row, exc, moment):
                    failed += 1
                else:
                    retried += 1
            else:
                sent += 1
                _record_sent(row, provider_id)
        db.session.commit()  # the batch's outcomes
        if len(rows) < asked:
            break
    for made in senders.values():
        close = getattr(made, "close", None)
        if close is not None:
            close()
    return DeliveryResult(sent, failed, retried)


def _chosen(row: Row[Any], sender: Sender | None, senders: dict[str, Sender]) -> Sender:
    """The given sender, or the row's channel's one (made once per delivery run)."""
    if sender is not None:
        return sender
    if row.channel not in senders:
        senders[row.channel] = _sender_for(row.channel)
    return senders[row.channel]


def _record_failure(row: Row[Any], exc: Exception, moment: datetime) -> bool:
    """Record a failed attempt: failed for good after the last attempt (or at
    once for a PermanentFailure), else its next attempt. Returns whether it
    failed for good."""
    error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX]
    retry_at = None if isinstance(exc, PermanentFailure) else next_attempt_at(row.attempts, moment)
    if retry_at is None:
        log.error(
            "Outbox %s (%s) failed for good after %s attempts: %s",
            row.id,
            row.channel,
            row.attempts,
            error,
        )
        _record(row.id, status=OutboxStatus.FAILED, last_error=error)
        return True
    log.warning(
        "Outbox %s (%s) attempt %s failed, retry at %s: %s",
        row.id,
        row.channel,
        row.attempts,
        retry_at,
        error,
    )
    _record(row.id, next_attempt_at=retry_at, last_error=error)
    return False


def _record_sent(row: Row[Any], provider_id: str | None) -> None:
    """Sent: with the provider's message id, and a sent code masked."""
    values: dict[str, object] = {
        "status": OutboxStatus.SENT,
        "sent_at": utcnow(),
        "last_error": "",
    }
    if provider_id:
        values["provider_message_id"] = provider_id
    if row.channel == OutboxChannel.WHATSAPP and row.template in SECRET_TEMPLATES:
        values.update(_without_secrets(row))
    if row.channel == OutboxChannel.PUSH:
        values["params"] = ""  # a buyer's browser is not kept once told
    _record(row.id, **values)


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
