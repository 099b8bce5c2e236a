"""A checkout's emails are delivered in one batch: without a job queue the web
process that took the order sends them after the answer, and on SQLite every
commit of that delivery queues for the one write lock that checkouts need."""

from __future__ import annotations

from sqlalchemy import event, select

from shop.extensions import db
from shop.notify.delivery import CLAIM_BATCH, deliver_due
from shop.notify.models import OutboxMessage, OutboxStatus
from tests.factories import OutboxMessageFactory


class FakeSender:
    def __init__(self, refuse: str = ""):
        self.sent: list[str] = []
        self.refuse = refuse

    def send(self, message):
        if message.recipient == self.refuse:
            raise ConnectionError("mail server away")
        self.sent.append(message.recipient)


def _commits() -> list[int]:
    counted: list[int] = []
    event.listen(db.session(), "after_commit", lambda _session: counted.append(1))
    return counted


def test_a_checkouts_emails_go_out_in_two_commits():
    messages = OutboxMessageFactory.create_batch(4)
    db.session.commit()
    sender = FakeSender(refuse=messages[2].recipient)
    counted = _commits()

    assert deliver_due(sender=sender) == (3, 0, 1)

    assert len(counted) == 2  # the claim, then every outcome
    assert sender.sent == [m.recipient for m in messages if m is not messages[2]]
    db.session.expire_all()
    statuses = {
        m.recipient: (m.status, m.attempts) for m in db.session.scalars(select(OutboxMessage))
    }
    assert statuses[messages[0].recipient] == (OutboxStatus.SENT, 1)
    assert statuses[messages[2].recipient] == (OutboxStatus.PENDING, 1)


def test_more_than_a_batch_is_sent_once_each_in_order():
    messages = OutboxMessageFactory.create_batch(CLAIM_BATCH + 3)
    db.session.commit()
    sender = FakeSender()

    assert deliver_due(sender=sender) == (CLAIM_BATCH + 3, 0, 0)
    assert deliver_due(sender=sender) == (0, 0, 0)

    assert sender.sent == [m.recipient for m in messages]
    db.session.expire_all()
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {OutboxStatus.SENT}


def test_a_limit_smaller_than_a_batch_is_kept():
    OutboxMessageFactory.create_batch(5)
    db.session.commit()
    sender = FakeSender()

    assert deliver_due(limit=2, sender=sender) == (2, 0, 0)
    assert deliver_due(sender=sender) == (3, 0, 0)
