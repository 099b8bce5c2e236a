"""Shared pieces of the account recovery tests: the WhatsApp channel turned
on (log backend), the rate limits lifted, and the codes and links read back
from the outbox as the person would read them on her phone."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from shop.accounts.recovery_models import AccountCode
from shop.extensions import db, limiter
from shop.notify.models import OutboxMessage

NEW_PASSWORD = "kerupuk lele rawapasung 2024"
LINK_RE = re.compile(r"https?://\S+/lupa-sandi/tautan/[A-Za-z0-9_\-]+")
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


@pytest.fixture
def whatsapp_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_BACKEND", "log")


def messages(kind: str, recipient: str | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    if recipient is not None:
        stmt = stmt.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(stmt))


def last_code(kind: str, phone: str) -> str:
    """The code in the newest WhatsApp message of `kind` to `phone`."""
    sent = messages(kind, phone)
    assert sent, f"no {kind} message to {phone}"
    code = json.loads(sent[-1].params)[0]
    assert code in sent[-1].body_text
    return code


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


def without_csrf(html: str) -> str:
    return CSRF_RE.sub("", html)
