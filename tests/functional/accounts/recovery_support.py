"""Shared pieces of the account recovery tests: the WhatsApp channel turned
on (log backend), the rate limits lifted, and the codes and links read back
from the outbox as the person would read them on her phone."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from shop.accounts.recovery_models import AccountCode
from shop.extensions import db, limiter
from shop.notify.models import OutboxMessage

NEW_PASSWORD = "kerupuk lele rawapasung 2024"
LINK_RE = re.compile(r"https?://\S+/lupa-sandi/tautan/[A-Za-z0-9_\-]+")
CODE_RE = re.compile(r"\b[0-9]{6}\b")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="[^"]+"')


@pytest.fixture(autouse=True)
def _recovery_limits(app, monkeypatch):
    """The per-address limit lifted (tests share 127.0.0.1) and its counters empty."""
    monkeypatch.setitem(app.config, "RESET_RATE_LIMIT", "10000 per minute")
    with app.app_context():
        limiter.reset()
    yield
    with app.app_context():
        limiter.reset()


@pytest.fixture(autouse=True)
def _english(client):
    """Pages in English, so the words checked here hold after translation."""
    client.set_cookie("lang", "en")


class _Phone(logging.Handler):
    """The WhatsApp log backend's lines: what arrives on the person's phone.
    (The outbox row masks a code once it is sent.)"""

    def __init__(self):
        super().__init__(logging.INFO)
        self.received: list[tuple[str, str, str]] = []

    def emit(self, record):
        recipient, template, text = record.args
        self.received.append((recipient, template, text))


_phone = _Phone()


@pytest.fixture
def whatsapp_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_BACKEND", "log")
    logger = logging.getLogger("shop.notify.whatsapp")
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(_phone)
    _phone.received.clear()
    yield
    logger.removeHandler(_phone)
    logger.setLevel(level)


def messages(kind: str, recipient: str | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    if recipient is not None:
        stmt = stmt.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(stmt))


def last_code(kind: str, phone: str) -> str:
    """The code in the newest WhatsApp message of `kind` that reached `phone`."""
    texts = [text for to, template, text in _phone.received if to == phone and template == kind]
    assert texts, f"no {kind} message to {phone}"
    return CODE_RE.search(texts[-1]).group(0)


def last_link(email: str) -> str:
    """The reset link in the newest email to `email`, as a path."""
    sent = messages("password_reset", email)
    assert sent, f"no reset email to {email}"
    match = LINK_RE.search(sent[-1].body_text)
    assert match, sent[-1].body_text
    return "/" + match.group(0).split("/", 3)[3]


def codes_of(user) -> list[AccountCode]:
    return list(
        db.session.scalars(
            select(AccountCode).where(AccountCode.user_id == user.id).order_by(AccountCode.id)
        )
    )


def expire_latest(user, lifetime: timedelta) -> None:
    """Check the newest code's lifetime, then let it run out."""
    row = codes_of(user)[-1]
    assert row.expires_at - row.created_at == lifetime
    row.expires_at = row.created_at - timedelta(seconds=1)
    db.session.commit()


def without_csrf(html: str) -> str:
    return CSRF_RE.sub("", html)
