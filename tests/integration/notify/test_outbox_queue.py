"""Queueing: rendered at the event in the recipient's language, in the caller's transaction."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from shop.extensions import db
from shop.groups.models import Role
from shop.notify.delivery import deliver_due
from shop.notify.models import OutboxMessage, OutboxStatus
from shop.notify.outbox import Recipient, queue_email, queue_emails
from shop.orders.alerts import BUYER_KINDS, notify_buyer, notify_new_order
from tests.factories import MembershipFactory, UserFactory


def outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


class Recorder:
    def __init__(self) -> None:
        self.sent: list = []

    def send(self, email) -> None:
        self.sent.append(email)


def test_queue_email_renders_adds_and_flushes_without_committing(make_order, monkeypatch):
    order = make_order()

    def no_commit() -> None:
        raise AssertionError("queue_email committed")

    monkeypatch.setattr(db.session(), "commit", no_commit)
    context = {"order": order, "group": order.group, "tracking_url": "http://etalase.test/t"}
    message = queue_email("order_placed", "siti@example.test", "order_placed", context, "id")
    assert message.id is not None
    assert message.status is OutboxStatus.PENDING
    assert message.attempts == 0
    assert message.channel == "email"
    assert order.number in message.subject
    assert "Siti Nur’aini" in message.body_text
    assert "<!DOCTYPE html>" in message.body_html
    assert message in db.session


def test_an_empty_recipient_queues_nothing(make_order):
    order = make_order(buyer_email=None)
    before = outbox_count()
    assert notify_buyer(order, "placed") is None
    assert queue_email("x", "  ", "order_placed", {}, "id") is None
    assert outbox_count() == before


def test_queue_emails_writes_one_message_per_plain_recipient_in_their_language(app):
    people = [
        Recipient("siti@example.test", "id", "Siti"),
        Recipient("", "en", "No Address"),
        Recipient("budi@example.test", "en", "Budi"),
    ]
    context = {"reset_url": "http://etalase.test/r", "minutes": 30}
    messages = queue_emails("password_reset", people, "password_reset", context)
    assert [(m.recipient, m.locale) for m in messages] == [
        ("siti@example.test", "id"),
        ("budi@example.test", "en"),
    ]
    assert messages[0].subject != messages[1].subject
    assert all(m.kind == "password_reset" and m.id is not None for m in messages)


def test_messages_of_a_rolled_back_transaction_are_gone_and_never_sent(make_order):
    db.session.commit()
    before = outbox_count()
    order = make_order()
    notify_buyer(order, "placed")
    assert outbox_count() == before + 1
    db.session.rollback()
    assert outbox_count() == before
    recorder = Recorder()
    assert deliver_due(sender=recorder) == (0, 0, 0)
    assert recorder.sent == []


def test_the_buyer_hears_in_the_language_they_ordered_in(make_order):
    indonesian = notify_buyer(make_order(locale="id"), "placed")
    english = notify_buyer(make_order(locale="en"), "placed")
    # Words the catalogue already translates, and the number format.
    assert "Pembayaran: Transfer bank" in indonesian.body_text
    assert "Rp50.123" in indonesian.body_text
    assert "Payment: Bank transfer" in english.body_text
    assert "Rp50,123" in english.body_text
    assert 'lang="id"' in indonesian.body_html
    assert 'lang="en"' in english.body_html


@pytest.mark.parametrize("kind", BUYER_KINDS)
def test_every_buyer_kind_is_queued_to_the_buyer_with_the_tracking_link(make_order, kind):
    order = make_order(courier="JNE", tracking_number="JN0012345", cancel_reason="Stok habis")
    message = notify_buyer(order, kind)
    assert message.kind == f"order_{kind}"
    assert message.recipient == "siti@example.test"
    assert order.number in message.subject
    assert "\n" not in message.subject
    assert order.tracking_token in message.body_text
    assert order.tracking_token in message.body_html


def test_an_unknown_kind_is_a_programming_error(make_order):
    with pytest.raises(ValueError):
        notify_buyer(make_order(), "teleported")


def test_the_words_are_frozen_when_queued(make_order):
    order = make_order(locale="en")
    message = notify_buyer(order, "shipped")
    order.buyer_name = "Someone Else"
    db.session.flush()
    db.session.refresh(message)
    assert "Siti Nur’aini" in message.body_text


def test_a_new_order_goes_to_each_member_with_an_email(make_order):
    order = make_order()
    leader = MembershipFactory(
        group=order.group, user=UserFactory(name="Bu Sri", email="sri@example.test")
    )
    MembershipFactory(group=order.group, user=UserFactory(email=None), role=Role.MEMBER)
    member = MembershipFactory(
        group=order.group,
        user=UserFactory(name="Pak Budi", email="budi@example.test"),
        role=Role.MEMBER,
    )

    messages = notify_new_order(order)

    assert [m.recipient for m in messages] == [leader.user.email, member.user.email]
    assert all(m.kind == "new_order" for m in messages)
    assert "Bu Sri" in messages[0].body_text and "Pak Budi" in messages[1].body_text
    body = messages[0].body_text
    assert "Siti Nur’aini" in messages[0].subject
    assert "2 × Abon Lele Pedas (100 g): Rp50.000" in body
    assert "0813-1111-2222" in body
    assert order.number in body


def test_a_group_without_emails_is_logged_not_mailed(make_order, caplog):
    order = make_order()
    MembershipFactory(group=order.group, user=UserFactory(email=None))
    before = outbox_count()
    with caplog.at_level(logging.INFO, logger="shop.orders.alerts"):
        assert notify_new_order(order) == []
    assert outbox_count() == before
    assert "sees it in its inbox" in caplog.text
    assert order.number in caplog.text


def test_the_recipients_language_wins_over_the_visitors(app, make_order):
    order = make_order(locale="id")
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        from flask_babel import get_locale

        assert str(get_locale()) == "en"
        message = notify_buyer(order, "placed")
        assert str(get_locale()) == "en"
    assert "Pembayaran: Transfer bank" in message.body_text


def test_what_people_typed_is_escaped_in_html_only(make_order):
    order = make_order(buyer_name="<b>Ani</b>", cancel_reason="Habis & <i>maaf</i>", locale="en")
    message = notify_buyer(order, "cancelled")
    assert "&lt;b&gt;Ani&lt;/b&gt;" in message.body_html
    assert "<b>Ani</b>" not in message.body_html
    assert "Habis &amp; &lt;i&gt;maaf&lt;/i&gt;" in message.body_html
    assert "Hello <b>Ani</b>," in message.body_text
    assert "Reason: Habis & <i>maaf</i>" in message.body_text


def test_an_unpaid_confirmed_order_says_until_when_to_pay(make_order):
    from datetime import UTC, datetime

    order = make_order(locale="en", expires_at=datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
    message = notify_buyer(order, "confirmed")
    # 03:00 UTC is 10.00 in Jakarta.
    assert "Please pay before 1 Dec 2026, 10.00, or the order expires." in message.body_text
    assert "Transfer exactly Rp50,123 to:" in message.body_text
