"""Notify: messages waiting in the outbox."""

from __future__ import annotations

import factory

from shop.notify.models import OutboxMessage
from tests.factories.base import Base


class OutboxMessageFactory(Base):
    """An e-mail due now, not sent yet."""

    class Meta:
        model = OutboxMessage

    kind = "test"
    recipient = factory.Sequence(lambda n: f"penerima{n}@example.test")
    subject = "Halo"
    body_text = "Pesanan Anda sudah dikonfirmasi."
