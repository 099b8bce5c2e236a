"""Pre-order rounds' rows: a group's round (title, order deadline, the day it
is ready) and its items, one per variant offered, each with its capacity and
how much of it is taken.

A product in an open round points at it (`Product.preorder_round_id`) and a
group counts its open rounds (`Group.open_rounds`), so that the product,
group and cart pages know without another statement whether there is a round
to show. An order line placed in a round names its item
(`OrderLine.round_item_id`). These three are plain integers (no foreign
key): the lower packages' tables know nothing of rounds.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.catalogue.models import Product, Variant
from shop.core.enums import LabelledEnum
from shop.db import Base, enum_column, utcnow
from shop.groups.models import Group


class RoundStatus(LabelledEnum):
    OPEN = "buka", _l("Taking orders")
    CLOSED = "tutup", _l("Closed: in production")
    READY = "siap", _l("Ready")


class Round(Base):
    """A pre-order round: orders are taken until `closes_at` (the end of the
    last order day, Jakarta time) or until every item is full; the group
    makes the goods for `ready_on`."""

    __tablename__ = "preorder_round"
    __table_args__ = (Index("ix_preorder_round_status_closes", "status", "closes_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # The last day orders are taken (Jakarta); closes_at is the midnight after it.
    last_order_day: Mapped[date]
    closes_at: Mapped[datetime]
    ready_on: Mapped[date]
    # Where and how buyers get their goods ("Ambil di rumah Bu Ani, Jl. …").
    handover: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[RoundStatus] = enum_column(RoundStatus, default=RoundStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]
    ready_at: Mapped[datetime | None]
    # A coordinator put it first on the public list of rounds.
    featured_at: Mapped[datetime | None]
    featured_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    group: Mapped[Group] = relationship()
    items: Mapped[list[RoundItem]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundItem.id"
    )

    def is_taking_orders(self, now: datetime) -> bool:
        return self.status is RoundStatus.OPEN and now < self.closes_at


class RoundItem(Base):
    """One variant offered in a round: at most `capacity` units are ordered
    (taken by a conditional UPDATE at checkout, given back on cancellation)."""

    __tablename__ = "preorder_round_item"
    __table_args__ = (
        UniqueConstraint("round_id", "variant_id", name="uq_preorder_round_item_variant"),
        CheckConstraint("capacity >= 1", name="capacity"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="taken"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("preorder_round.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    variant_id: Mapped[int] = mapped_column(
        ForeignKey("variant.id", ondelete="CASCADE"), index=True
    )
    capacity: Mapped[int]
    taken: Mapped[int] = mapped_column(default=0)

    round: Mapped[Round] = relationship(back_populates="items")
    product: Mapped[Product] = relationship()
    variant: Mapped[Variant] = relationship()

    @property
    def left(self) -> int:
        return self.capacity - self.taken
