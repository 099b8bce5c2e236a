"""Senders: SMTP settings from the configuration, the message built, STARTTLS/SSL/login used."""

from __future__ import annotations

import logging
from email import message_from_bytes, policy

import pytest

from shop.config import config_flag
from shop.notify import senders
from shop.notify.senders import Email, LogSender, SmtpSender, get_sender

EMAIL = Email(
    recipient="siti@example.test",
    subject="Pesanan ET-ABC123 sudah dikirim",
    text="Halo Siti Nur’aini,\nterima kasih.\n",
    html="<p>Halo Siti Nur’aini</p>",
    reference="etalase.outbox.7",
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        (None, False),
        ("1", True),
        ("true", True),
        ("Yes", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("", False),
        (1, True),
        (0, False),
    ],
)
def test_config_flags_accept_environment_strings(value, expected):
    assert config_flag(value) is expected


def test_settings_come_from_the_configuration_with_sensible_defaults():
    plain = SmtpSender.from_config({"MAIL_SERVER": "mail.example.test", "SITE_NAME": "Etalase"})
    assert (plain.host, plain.port, plain.use_tls, plain.use_ssl) == (
        "mail.example.test",
        25,
        False,
        False,
    )
    assert plain.sender == "Etalase <noreply@localhost>"
    assert plain.timeout == 10

    starttls = SmtpSender.from_config(
        {
            "MAIL_SERVER": "m",
            "MAIL_USE_TLS": "true",
            "MAIL_USERNAME": "u",
            "MAIL_PASSWORD": "p",
            "MAIL_FROM": "Etalase <pesanan@etalase.id>",
            "MAIL_TIMEOUT": "3",
        }
    )
    assert (starttls.port, starttls.use_tls, starttls.username, starttls.password) == (
        587,
        True,
        "u",
        "p",
    )
    assert starttls.timeout == 3.0
    assert SmtpSender.from_config({"MAIL_SERVER": "m", "MAIL_USE_SSL": "1"}).port == 465
    assert SmtpSender.from_config({"MAIL_SERVER": "m", "MAIL_PORT": "2525"}).port == 2525


def test_starttls_and_ssl_together_are_refused():
    with pytest.raises(ValueError):
        SmtpSender.from_config({"MAIL_SERVER": "m", "MAIL_USE_TLS": "1", "MAIL_USE_SSL": "1"})


def test_the_message_has_both_parts_in_utf8_and_a_stable_id():
    sender = SmtpSender("m", 25, sender="Etalase <pesanan@etalase.id>")
    built = sender.build(EMAIL)
    parsed = message_from_bytes(built.as_bytes(), policy=policy.default)
    assert parsed["To"] == "siti@example.test"
    assert parsed["From"] == "Etalase <pesanan@etalase.id>"
    assert parsed["Subject"] == EMAIL.subject
    assert parsed["Message-ID"] == "<etalase.outbox.7@etalase.id>"
    assert parsed["Date"]
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed.get_body(("plain",)).get_content() == EMAIL.text
    assert parsed.get_body(("html",)).get_content().strip() == EMAIL.html
    assert parsed.get_body(("plain",)).get_content_charset() == "utf-8"


def test_a_text_only_message_is_not_multipart():
    sender = SmtpSender("m", 25, sender="pesanan@etalase.id")
    built = sender.build(Email(recipient="a@example.test", subject="s", text="t"))
    assert built.get_content_type() == "text/plain"
    assert "Message-ID" not in built


class FakeSMTP:
    instances: list[FakeSMTP] = []

    def __init__(self, host, port, timeout=None, context=None):
        self.calls: list[tuple] = [("connect", host, port, timeout, context is not None)]
        FakeSMTP.instances.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.calls.append(("quit",))

    def starttls(self, context=None):
        self.calls.append(("starttls",))

    def login(self, user, password):
        self.calls.append(("login", user, password))

    def send_message(self, message):
        self.calls.append(("send", message["To"]))


@pytest.fixture
def fake_smtp(monkeypatch):
    FakeSMTP.instances = []
    monkeypatch.setattr(senders.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(senders.smtplib, "SMTP_SSL", FakeSMTP)
    return FakeSMTP.instances


def test_starttls_then_login_then_send(fake_smtp):
    SmtpSender("m", 587, sender="p@e.id", use_tls=True, username="u", password="p").send(EMAIL)
    [smtp] = fake_smtp
    assert [call[0] for call in smtp.calls] == ["connect", "starttls", "login", "send", "quit"]
    assert smtp.calls[0] == ("connect", "m", 587, 10.0, False)


def test_ssl_connects_with_a_tls_context_and_no_login_without_a_username(fake_smtp):
    SmtpSender("m", 465, sender="p@e.id", use_ssl=True, timeout=4).send(EMAIL)
    [smtp] = fake_smtp
    assert smtp.calls == [("connect", "m", 465, 4, True), ("send", EMAIL.recipient), ("quit",)]


def test_the_log_sender_logs_recipient_and_subject(caplog):
    with caplog.at_level(logging.INFO, logger="shop.notify.senders"):
        LogSender().send(EMAIL)
    assert "siti@example.test" in caplog.text
    assert EMAIL.subject in caplog.text


def test_the_sender_follows_mail_server(app, monkeypatch):
    monkeypatch.delitem(app.config, "MAIL_SERVER", raising=False)
    assert isinstance(get_sender(), LogSender)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    assert isinstance(get_sender(), LogSender)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example.test")
    assert isinstance(get_sender(), SmtpSender)
