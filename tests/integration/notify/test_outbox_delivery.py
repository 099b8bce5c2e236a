"""Delivery: real SMTP, retries with backoff, nothing sent twice, orders never touched."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from sqlalchemy import select

from shop.db import utcnow
from shop.extensions import db
from shop.groups.models import DeliveryMethod
from shop.jobs.periodic import start_in_process_scheduler
from shop.notify.cli import notify_cli
from shop.notify.delivery import BACKOFF, MAX_ATTEMPTS, deliver_due
from shop.notify.models import OutboxMessage, OutboxStatus
from shop.notify.outbox import queue_email
from shop.notify.senders import Email
from shop.orders.alerts import notify_buyer
from shop.orders.models import Order, OrderStatus
from tests.factories import OutboxMessageFactory


def reload(message: OutboxMessage) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def test_an_order_email_reaches_a_real_smtp_server(make_order, smtp_server):
    order = make_order(locale="id")
    message = notify_buyer(order, "placed")
    db.session.commit()

    assert deliver_due() == (1, 0, 0)

    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["siti@example.test"]
    assert envelope.mail_from == "pesanan@etalase.test"
    [mail] = smtp_server.messages
    assert mail["To"] == "siti@example.test"
    assert mail["Subject"] == message.subject
    assert "Kelompok Dapur Ibu — Jambi" in mail["Subject"]
    assert mail["Message-ID"] == f"<etalase.outbox.{message.id}@etalase.test>"
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text.get_content_charset() == "utf-8"
    assert "Siti Nur’aini" in text.get_content()
    assert "Pembayaran: Transfer bank" in text.get_content()
    assert "Rp50.123" in text.get_content()
    assert "<!DOCTYPE html>" in html.get_content()
    assert "Siti Nur’aini" in html.get_content()

    sent = reload(message)
    assert sent.status is OutboxStatus.SENT
    assert sent.attempts == 1
    assert sent.sent_at is not None


def test_delivering_twice_sends_nothing_twice(make_order, smtp_server):
    notify_buyer(make_order(), "placed")
    notify_buyer(make_order(), "confirmed")
    db.session.commit()

    assert deliver_due() == (2, 0, 0)
    assert deliver_due() == (0, 0, 0)
    assert len(smtp_server.envelopes) == 2


def test_a_rejecting_server_means_retries_with_backoff_then_failed(make_order, smtp_server):
    smtp_server.reply = "554 5.7.1 Message rejected"
    order = make_order(status=OrderStatus.CONFIRMED)
    message = notify_buyer(order, "confirmed")
    db.session.commit()
    before = (order.status, order.payment_status, order.subtotal, order.shipping_fee, order.total)

    now = utcnow()
    for attempt, wait in enumerate(BACKOFF, start=1):
        assert deliver_due(now=now) == (0, 0, 1)
        retrying = reload(message)
        assert retrying.status is OutboxStatus.PENDING
        assert retrying.attempts == attempt
        assert retrying.next_attempt_at == now + wait
        assert "554" in retrying.last_error
        # Not due again before its time.
        assert deliver_due(now=now + wait - timedelta(seconds=1)) == (0, 0, 0)
        now = now + wait

    assert deliver_due(now=now) == (0, 1, 0)
    failed = reload(message)
    assert failed.status is OutboxStatus.FAILED
    assert failed.attempts == MAX_ATTEMPTS
    assert "Message rejected" in failed.last_error
    assert deliver_due(now=now + timedelta(days=30)) == (0, 0, 0)

    db.session.refresh(order)
    after = (order.status, order.payment_status, order.subtotal, order.shipping_fee, order.total)
    assert after == before
    assert smtp_server.envelopes == []


def test_a_refused_connection_is_retried_and_then_sent(
    app, make_order, smtp_server, closed_port, monkeypatch
):
    working_port = app.config["MAIL_PORT"]
    monkeypatch.setitem(app.config, "MAIL_PORT", closed_port)
    order = make_order()
    message = notify_buyer(order, "placed")
    db.session.commit()

    now = utcnow()
    assert deliver_due(now=now) == (0, 0, 1)
    retrying = reload(message)
    assert retrying.attempts == 1
    assert "ConnectionRefusedError" in retrying.last_error
    assert db.session.get(Order, order.id).status is OrderStatus.PLACED

    monkeypatch.setitem(app.config, "MAIL_PORT", working_port)
    assert deliver_due(now=now + BACKOFF[0]) == (1, 0, 0)
    sent = reload(message)
    assert sent.status is OutboxStatus.SENT
    assert sent.attempts == 2
    assert len(smtp_server.envelopes) == 1


def test_one_failing_message_does_not_hold_up_the_others(make_order):
    class Picky:
        sent: list[str] = []

        def send(self, email: Email) -> None:
            if email.recipient == "bad@example.test":
                raise RuntimeError("mailbox full")
            self.sent.append(email.recipient)

    notify_buyer(make_order(buyer_email="bad@example.test"), "placed")
    notify_buyer(make_order(buyer_email="good@example.test"), "placed")
    db.session.commit()
    picky = Picky()
    assert deliver_due(sender=picky) == (1, 0, 1)
    assert picky.sent == ["good@example.test"]


def test_without_a_mail_server_emails_are_logged(app, make_order, monkeypatch, caplog):
    monkeypatch.delitem(app.config, "MAIL_SERVER", raising=False)
    message = notify_buyer(make_order(locale="en"), "placed")
    db.session.commit()
    with caplog.at_level(logging.INFO, logger="shop.notify.senders"):
        assert deliver_due() == (1, 0, 0)
    assert "siti@example.test" in caplog.text
    assert message.subject in caplog.text
    assert reload(message).status is OutboxStatus.SENT


def test_the_cli_drains_lists_and_retries(app, make_order, smtp_server):
    runner = app.test_cli_runner()
    notify_buyer(make_order(), "placed")
    notify_buyer(make_order(buyer_email="other@example.test"), "placed")
    db.session.commit()

    result = runner.invoke(notify_cli, ["deliver"])
    assert result.exit_code == 0, result.output
    assert "Sent 2, to retry 0, failed 0." in result.output
    assert len(smtp_server.envelopes) == 2

    failed = queue_email("test", "x@example.test", "order_paid", _context(make_order()), "en")
    failed.status = OutboxStatus.FAILED
    failed.attempts = MAX_ATTEMPTS
    failed.last_error = "SMTPDataError: (554, b'no')"
    db.session.commit()
    result = runner.invoke(notify_cli, ["list"])
    assert result.exit_code == 0, result.output
    assert "sent: 2" in result.output
    assert "failed: 1" in result.output
    assert f"#{failed.id} failed email test to x@example.test" in result.output
    assert "SMTPDataError" in result.output

    result = runner.invoke(notify_cli, ["retry", str(failed.id)])
    assert "1 failed messages queued again." in result.output
    assert reload(failed).status is OutboxStatus.PENDING
    result = runner.invoke(notify_cli, ["deliver"])
    assert "Sent 1," in result.output
    assert reload(failed).attempts == 1


def _context(order) -> dict:
    return {"order": order, "group": order.group, "tracking_url": "http://etalase.test/t"}


def test_courier_fee_unknown_then_confirmed_total(make_order):
    order = make_order(delivery_method=DeliveryMethod.COURIER, shipping_fee=None, locale="en")
    placed = notify_buyer(order, "placed")
    assert "confirm the courier fee and the total" in placed.body_text
    assert "Transfer exactly" not in placed.body_text
    order.shipping_fee = 18000
    confirmed = notify_buyer(order, "confirmed")
    assert "Shipping: Rp18,000" in confirmed.body_text
    assert "Total: Rp68,123" in confirmed.body_text
    assert "Transfer exactly Rp68,123 to:" in confirmed.body_text
    assert "BRI 0123456789 (Sri)" in confirmed.body_text


def test_two_workers_never_send_the_same_message(committed, app):
    for i in range(24):
        OutboxMessageFactory(recipient=f"buyer{i}@example.test", subject=f"s{i}", body_text="b")
    db.session.commit()
    sent: list[str] = []
    lock = threading.Lock()

    class Slow:
        def send(self, email: Email) -> None:
            time.sleep(0.005)
            with lock:
                sent.append(email.recipient)

    def worker() -> None:
        with app.app_context():
            deliver_due(sender=Slow())

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(sent) == sorted(f"buyer{i}@example.test" for i in range(24))
    statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert statuses == [OutboxStatus.SENT] * 24


def test_in_process_scheduler_delivers_from_a_thread(committed, app, monkeypatch, smtp_server):
    monkeypatch.setitem(app.config, "NOTIFY_IN_PROCESS", "false")
    assert start_in_process_scheduler(app) is None

    OutboxMessageFactory(recipient="siti@example.test", subject="Halo", body_text="ya")
    db.session.commit()
    monkeypatch.setitem(app.config, "NOTIFY_IN_PROCESS", "1")
    thread = start_in_process_scheduler(app, interval=0.05)
    try:
        deadline = time.monotonic() + 10
        while not smtp_server.envelopes and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        thread.stop(timeout=10)
    assert not thread.is_alive()
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["siti@example.test"]]


def test_the_cli_loop_polls_until_interrupted(app, make_order, smtp_server, monkeypatch):
    from shop.notify import cli

    naps: list[float] = []

    def nap(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli.time, "sleep", nap)
    notify_buyer(make_order(), "placed")
    db.session.commit()
    result = app.test_cli_runner().invoke(notify_cli, ["deliver", "--loop", "--interval", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["Sent 1, to retry 0, failed 0.", "Stopped."]
    assert naps == [2.0, 2.0]
    assert len(smtp_server.envelopes) == 1
