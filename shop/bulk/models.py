"""The tables of bulk requests: what a group declares it can make, the
requests, who was told of each, the groups' offers and the contact codes."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.accounts.models import User
from shop.catalogue.models import Category
from shop.core.enums import LabelledEnum
from shop.db import Base, Rupiah, enum_column, utcnow
from shop.groups.models import DeliveryMethod, Group
from shop.orders.models import Order
from shop.regions.models import Province, Regency


class GroupCapacity(Base):
    """ "We can make up to N a week of category X": what a group declares, so
    the requests it can answer find it."""

    __tablename__ = "group_capacity"
    __table_args__ = (
        UniqueConstraint("group_id", "category", name="uq_group_capacity_group_category"),
        CheckConstraint("weekly_quantity >= 1", name="weekly_quantity"),
        Index("ix_group_capacity_category", "category", "weekly_quantity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"))
    category: Mapped[Category] = enum_column(Category, length=30)
    weekly_quantity: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    group: Mapped[Group] = relationship()


class RequestStatus(LabelledEnum):
    PENDING = "pending", _l("Waiting for the contact's code")
    OPEN = "open", _l("Open for offers")
    CLOSED = "closed", _l("Closed")


class BulkRequest(Base):
    """An institution's request: what, how many, by when, where, at what
    budget per unit. `accepted_quantity` only grows, by one conditional
    UPDATE per acceptance, and never passes `quantity` (CHECK as well)."""

    __tablename__ = "bulk_request"
    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity"),
        CheckConstraint("budget_per_unit >= 0", name="budget_per_unit"),
        CheckConstraint(
            "accepted_quantity >= 0 AND accepted_quantity <= quantity", name="accepted_quantity"
        ),
        Index("ix_bulk_request_status_province", "status", "province_code", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    # The private address of the requester's page (sent to the verified contact).
    key: Mapped[str] = mapped_column(String(64), unique=True)
    institution: Mapped[str] = mapped_column(String(120))
    contact_name: Mapped[str] = mapped_column(String(80))
    contact_phone: Mapped[str] = mapped_column(String(20), index=True)
    contact_email: Mapped[str | None] = mapped_column(String(254), index=True)
    contact_verified_at: Mapped[datetime | None]
    locale: Mapped[str] = mapped_column(String(5), default="id")

    category: Mapped[Category] = enum_column(Category, length=30)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[int]
    needed_by: Mapped[date]
    budget_per_unit: Mapped[Rupiah]
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"))
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"))
    district_code: Mapped[str | None] = mapped_column(ForeignKey("district.code"))
    address: Mapped[str] = mapped_column(Text, default="")
    # The weekly capacity a group must have declared to be told: set when
    # the request opens (shop.bulk.matching.min_weekly_capacity).
    min_weekly_capacity: Mapped[int] = mapped_column(default=1)

    status: Mapped[RequestStatus] = enum_column(RequestStatus, default=RequestStatus.PENDING)
    accepted_quantity: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    province: Mapped[Province] = relationship()
    regency: Mapped[Regency] = relationship()
    offers: Mapped[list[BulkOffer]] = relationship(
        back_populates="request", order_by="BulkOffer.unit_price, BulkOffer.id"
    )

    @property
    def remaining(self) -> int:
        return self.quantity - self.accepted_quantity

    @property
    def is_open(self) -> bool:
        return self.status is RequestStatus.OPEN

    @property
    def requester(self) -> str:
        return f"{self.contact_name} · {self.institution}"


class BulkInvitation(Base):
    """A group told of a request: found fitting when it opened (`by` empty)
    or invited by a coordinator. It may answer from then on."""

    __tablename__ = "bulk_invitation"
    __table_args__ = (
        UniqueConstraint("request_id", "group_id", name="uq_bulk_invitation_request_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("bulk_request.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[BulkRequest] = relationship()
    group: Mapped[Group] = relationship()
    by: Mapped[User | None] = relationship()


class OfferStatus(LabelledEnum):
    OPEN = "open", _l("Waiting for the requester")
    ACCEPTED = "accepted", _l("Accepted")
    NOT_CHOSEN = "not-chosen", _l("Not chosen")


class BulkOffer(Base):
    """A group's answer: price per unit, how many it can make, by when, how
    it delivers. Accepted once, for all or part of its quantity; the part
    becomes `order`."""

    __tablename__ = "bulk_offer"
    __table_args__ = (
        UniqueConstraint("request_id", "group_id", name="uq_bulk_offer_request_group"),
        CheckConstraint("quantity >= 1", name="quantity"),
        CheckConstraint("unit_price >= 0", name="unit_price"),
        CheckConstraint("delivery_fee >= 0", name="delivery_fee"),
        CheckConstraint(
            "accepted_quantity >= 0 AND accepted_quantity <= quantity", name="accepted_quantity"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("bulk_request.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    unit_price: Mapped[Rupiah]
    quantity: Mapped[int]
    ready_by: Mapped[date]
    delivery_method: Mapped[DeliveryMethod] = enum_column(DeliveryMethod)
    delivery_fee: Mapped[Rupiah] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[OfferStatus] = enum_column(OfferStatus, default=OfferStatus.OPEN)
    accepted_quantity: Mapped[int] = mapped_column(default=0, server_default="0")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("order.id", ondelete="SET NULL"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]

    request: Mapped[BulkRequest] = relationship(back_populates="offers")
    group: Mapped[Group] = relationship()
    order: Mapped[Order | None] = relationship()

    @property
    def total(self) -> int:
        return self.unit_price * self.quantity + self.delivery_fee


class ContactPurpose(LabelledEnum):
    CONFIRM = "confirm", _l("Confirm a request")
    ACCESS = "access", _l("Open my requests")


class ContactCode(Base):
    """A 6-digit code sent to a requester's number or address, stored as its
    keyed hash (shop.accounts.account_codes.digest). Only the latest for a
    contact and purpose works, once, until it expires or too many wrong tries."""

    __tablename__ = "bulk_contact_code"
    __table_args__ = (Index("ix_bulk_contact_code_contact_purpose", "contact", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact: Mapped[str] = mapped_column(String(254))
    purpose: Mapped[ContactPurpose] = enum_column(ContactPurpose)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("bulk_request.id", ondelete="CASCADE")
    )
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    tries: Mapped[int] = mapped_column(default=0)
