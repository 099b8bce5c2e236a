from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.accounts.models import User
from shop.core.enums import LabelledEnum
from shop.db import Base, Rupiah, enum_column, utcnow
from shop.groups.models import DeliveryMethod, Group, PaymentMethod


class OrderStatus(LabelledEnum):
    """Where the goods are. Payment is tracked apart (`PaymentStatus`)."""

    PLACED = "placed", _l("Waiting for the group")
    CONFIRMED = "confirmed", _l("Confirmed")
    PACKED = "packed", _l("Packed")
    SHIPPED = "shipped", _l("Shipped")
    READY = "ready", _l("Ready for pickup")
    COMPLETED = "completed", _l("Completed")
    CANCELLED = "cancelled", _l("Cancelled")
    EXPIRED = "expired", _l("Expired")

    @property
    def is_final(self) -> bool:
        return self in (OrderStatus.COMPLETED, OrderStatus.CANCELLED, OrderStatus.EXPIRED)


class PaymentStatus(LabelledEnum):
    """Where the money is. REFUND_DUE and REFUNDED are for an order that was
    paid and then closed (cancelled by the group, or paid by card after it
    had expired): the money must go back, then has gone back; the `Refund`
    rows (shop.payments.models) say how and when."""

    UNPAID = "unpaid", _l("Not paid yet")
    PROOF_SENT = "proof-sent", _l("Payment proof sent")
    PAID = "paid", _l("Paid")
    REFUND_DUE = "refund-due", _l("Refund due")
    REFUNDED = "refunded", _l("Refunded")

    @property
    def is_refund(self) -> bool:
        return self in (PaymentStatus.REFUND_DUE, PaymentStatus.REFUNDED)


# A closed order whose money goes back: one label for status and money, so a
# page never says "Cancelled" beside "Paid" (and "nothing to pay").
CLOSED_REFUND_LABELS = {
    (OrderStatus.CANCELLED, PaymentStatus.REFUND_DUE): _l("Cancelled · refund pending"),
    (OrderStatus.CANCELLED, PaymentStatus.REFUNDED): _l("Cancelled · money refunded"),
    (OrderStatus.EXPIRED, PaymentStatus.REFUND_DUE): _l("Expired · refund pending"),
    (OrderStatus.EXPIRED, PaymentStatus.REFUNDED): _l("Expired · money refunded"),
}


class Checkout(Base):
    """The orders placed from one version of one cart.

    (`cart_id`, `cart_version`) is unique: every tab, click or replay of the
    checkout form of that cart version finds this row and is sent to the same
    confirmation page (rows from before carts had an identity have neither).
    `token` is a random unique name of the row; `key` is the private address
    of the confirmation page.
    """

    __tablename__ = "checkout"
    __table_args__ = (UniqueConstraint("cart_id", "cart_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    cart_id: Mapped[str | None] = mapped_column(String(32))
    cart_version: Mapped[int | None]
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    orders: Mapped[list[Order]] = relationship(back_populates="checkout", order_by="Order.id")


class Order(Base):
    __tablename__ = "order"
    __table_args__ = (
        CheckConstraint("subtotal >= 0", name="subtotal"),
        CheckConstraint("shipping_fee IS NULL OR shipping_fee >= 0", name="shipping_fee"),
        Index("ix_order_group_inbox", "group_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    tracking_token: Mapped[str] = mapped_column(String(64), unique=True)
    checkout_id: Mapped[int] = mapped_column(ForeignKey("checkout.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"))
    buyer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )

    buyer_name: Mapped[str] = mapped_column(String(80))
    buyer_phone: Mapped[str] = mapped_column(String(20), index=True)
    buyer_email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(Text, default="")
    province_code: Mapped[str | None] = mapped_column(ForeignKey("province.code"))
    regency_code: Mapped[str | None] = mapped_column(ForeignKey("regency.code"))
    district_code: Mapped[str | None] = mapped_column(ForeignKey("district.code"))
    note: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str] = mapped_column(String(5), default="id")

    delivery_method: Mapped[DeliveryMethod] = enum_column(DeliveryMethod)
    payment_method: Mapped[PaymentMethod] = enum_column(PaymentMethod)
    status: Mapped[OrderStatus] = enum_column(OrderStatus, default=OrderStatus.PLACED)
    payment_status: Mapped[PaymentStatus] = enum_column(PaymentStatus, default=PaymentStatus.UNPAID)

    subtotal: Mapped[Rupiah]
    # None until the group confirms a courier fee; 0 when there is none.
    shipping_fee: Mapped[Rupiah | None]
    # A few rupiah added to a transfer so the group can tell transfers apart.
    unique_code: Mapped[int] = mapped_column(default=0)

    courier: Mapped[str] = mapped_column(String(60), default="")
    tracking_number: Mapped[str] = mapped_column(String(60), default="")
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    stripe_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    # The card payment attempt: its number is part of the idempotency key of
    # the Checkout Session made for it (shop.payments.card), and its start
    # fixes that session's parameters, so a retry of the same attempt gets
    # the same session back from Stripe instead of a second payable one.
    card_attempt: Mapped[int] = mapped_column(default=0, server_default="0")
    card_attempt_at: Mapped[datetime | None]

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    checkout: Mapped[Checkout] = relationship(back_populates="orders")
    group: Mapped[Group] = relationship()
    buyer: Mapped[User | None] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )
    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderEvent.id"
    )
    # `refunds`, the money that goes back, is added by the payments (the
    # backref of shop.payments.models.Refund.order): payments act on orders.

    @property
    def total(self) -> int | None:
        """What the buyer pays; unknown while a courier fee is unconfirmed."""
        if self.shipping_fee is None:
            return None
        return self.subtotal + self.shipping_fee + self.unique_code

    @property
    def is_paid(self) -> bool:
        return self.payment_status is PaymentStatus.PAID

    @property
    def status_label(self):
        """The status as the buyer and the group read it: a closed order whose
        money goes back says so ("Cancelled · refund pending")."""
        return CLOSED_REFUND_LABELS.get((self.status, self.payment_status), self.status.label)


class OrderLine(Base):
    """A snapshot: later edits of the product never change a placed order."""

    __tablename__ = "order_line"
    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity"),
        CheckConstraint("unit_price >= 0", name="unit_price"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int | None] = mapped_column(
        ForeignKey("variant.id", ondelete="SET NULL"), index=True
    )
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("product.id", ondelete="SET NULL"), index=True
    )
    product_name: Mapped[str] = mapped_column(String(120))
    variant_label: Mapped[str] = mapped_column(String(60))
    unit_price: Mapped[Rupiah]
    quantity: Mapped[int]
    # Whether stock was taken (tracked stock) and so must come back on cancel.
    stock_taken: Mapped[bool] = mapped_column(default=False)
    # The pre-order round item whose capacity the line took (shop.rounds; a
    # plain integer: orders know nothing of rounds); given back on cancel.
    round_item_id: Mapped[int | None] = mapped_column(index=True)

    order: Mapped[Order] = relationship(back_populates="lines")

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


class OrderEvent(Base):
    """The timeline the buyer and the group see."""

    __tablename__ = "order_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    order: Mapped[Order] = relationship(back_populates="events")


class OrderPushSubscription(Base):
    """A browser where the buyer asked, on the tracking page, to hear of this
    order's steps: what its `PushManager.subscribe()` answered. Tied to the
    order, not to an account (most buyers have none), and deleted when the
    order ends (completed, cancelled, expired), after its last notification
    is written."""

    __tablename__ = "order_push_subscription"
    __table_args__ = (
        UniqueConstraint("order_id", "endpoint", name="uq_order_push_subscription_order_endpoint"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"))
    endpoint: Mapped[str] = mapped_column(String(1024))
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
