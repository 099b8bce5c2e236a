from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base, enum_column, utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry; kept for the operator


class OutboxChannel(enum.StrEnum):
    EMAIL = "email"
    WHATSAPP = "whatsapp"
    PUSH = "push"


class OutboxMessage(Base):
    """A message someone must receive, written in the same transaction as the
    change it reports, rendered then (in the recipient's language), and
    delivered afterwards by `flask notify deliver`.

    An email carries its whole rendered text. A WhatsApp message is a template
    approved at Meta: `template` is our purpose key (see the setting
    WHATSAPP_TEMPLATES), `params` its body parameters as a JSON list, and
    `body_text` the same words rendered here for people to read (the log
    backend, `flask notify list`); `provider_message_id` is the "wamid…" the
    Cloud API answered with and `provider_status` what its status webhook
    reported later (delivered, read, failed).

    A web push notification is addressed to one `PushSubscription`
    (`recipient` is "push:<its id>", so the endpoint and keys are read when it
    is sent and a subscription removed meanwhile is never written to);
    `body_text` is the JSON payload, `subject` its title."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    channel: Mapped[str] = mapped_column(String(20), default=OutboxChannel.EMAIL.value)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    template: Mapped[str] = mapped_column(String(60), default="", server_default="")
    params: Mapped[str] = mapped_column(Text, default="", server_default="")
    locale: Mapped[str] = mapped_column(String(10), default="", server_default="")
    provider_message_id: Mapped[str] = mapped_column(
        String(128), default="", server_default="", index=True
    )
    provider_status: Mapped[str] = mapped_column(String(20), default="", server_default="")
    status: Mapped[OutboxStatus] = enum_column(OutboxStatus, default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class PushSubscription(Base):
    """One browser (a phone) that agreed to receive notifications for a person:
    what its `PushManager.subscribe()` answered. The push service gives each
    browser one endpoint, so an endpoint belongs to whoever turned
    notifications on last on that phone; a 404 or 410 from the push service
    (the browser unsubscribed or the subscription expired) deletes the row.

    It belongs to the login session that turned it on: when that session
    ends (logout, "log out on all devices", a password change or reset) or
    expires, the phone hears nothing more for that person
    (`shop.notify.push.end_session_subscriptions`)."""

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    login_session_id: Mapped[int] = mapped_column(
        ForeignKey("login_session.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_success_at: Mapped[datetime | None]
