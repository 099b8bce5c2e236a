from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from shop.accounts.models import User
from shop.core.enums import LabelledEnum
from shop.db import Base, Rupiah, enum_column, utcnow
from shop.groups.models import PaymentMethod
from shop.media.models import Document, Image
from shop.orders.models import Order


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


class RefundStatus(LabelledEnum):
    """due: the money must go back; pending: Stripe took the refund and is
    sending it; refunded: done; failed: Stripe refused it (a person must look)."""

    DUE = "due", _l("Refund due")
    PENDING = "pending", _l("Refund on its way")
    REFUNDED = "refunded", _l("Refunded")
    FAILED = "failed", _l("Refund failed")


class RefundCause(enum.StrEnum):
    CANCELLED = "cancelled"  # the group cancelled a paid order
    CLOSED = "closed"  # a card payment arrived for an order already closed
    PAID_TWICE = "paid-twice"  # a second card payment for a paid order
    AMOUNT = "amount"  # a card payment of another amount than the order's


class Refund(Base):
    """Money that goes back to the buyer: one row per refund.

    A card refund is made through Stripe's Refund API (shop.payments.refunds)
    from `stripe_session_id` (its payment intent); a transfer or cash refund
    is made by the group, which records it here with its proof (a photo or
    PDF of the transfer back, private like a transfer proof)."""

    __tablename__ = "refund"
    __table_args__ = (CheckConstraint("amount > 0", name="amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Rupiah]
    method: Mapped[PaymentMethod] = enum_column(PaymentMethod)
    status: Mapped[RefundStatus] = enum_column(RefundStatus, default=RefundStatus.DUE)
    cause: Mapped[RefundCause] = enum_column(RefundCause)
    # The paid Checkout Session (one refund per session at most) and, once
    # known, its payment intent and the Stripe refund.
    stripe_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_payment_intent: Mapped[str | None] = mapped_column(String(255))
    stripe_refund_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    image_id: Mapped[int | None] = mapped_column(
        ForeignKey("image.id"), index=True, info={"private": True}
    )
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    refunded_at: Mapped[datetime | None]

    # Order.refunds, oldest first, goes with its order (payments sit above orders).
    order: Mapped[Order] = relationship(
        backref=backref("refunds", cascade="all, delete-orphan", order_by="Refund.id")
    )
    image: Mapped[Image | None] = relationship()
    document: Mapped[Document | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status in (RefundStatus.DUE, RefundStatus.PENDING, RefundStatus.FAILED)

    @property
    def has_proof(self) -> bool:
        return self.image_id is not None or self.document_id is not None
