from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base, utcnow
from shop.media.models import Document, Image


class PaymentProof(Base):
    """A transfer receipt the buyer sent: a photo (re-encoded) or a PDF."""

    __tablename__ = "payment_proof"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), index=True)
    # private: the photo is never served from the public /media address.
    image_id: Mapped[int | None] = mapped_column(
        ForeignKey("image.id"), index=True, info={"private": True}
    )
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    image: Mapped[Image | None] = relationship()
    document: Mapped[Document | None] = relationship()


class ProcessedStripeEvent(Base):
    """Stripe delivers an event at least once: its id is stored (unique) in the
    same transaction as the change it caused, so a repeat changes nothing."""

    __tablename__ = "processed_stripe_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(80))
    processed_at: Mapped[datetime] = mapped_column(default=utcnow)
