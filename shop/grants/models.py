"""A group's grants (programme, funding year, amount, source, day received)
and what each bought: equipment items with their quantity, cost and photos.

Recorded by the coordinators in scope and the operator; the group reads them.
Money is whole rupiah; the day received is a Jakarta calendar day.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core.enums import LabelledEnum
from shop.db import Base, Rupiah, UTCDateTime, enum_column, utcnow
from shop.groups.models import Group
from shop.media.models import Image


class GrantSource(LabelledEnum):
    APBN = "apbn", _l("APBN (state budget)")
    APBD = "apbd", _l("APBD (regional budget)")
    DANA_DESA = "dana_desa", _l("Village fund (Dana Desa)")
    CSR = "csr", _l("CSR (company)")
    OTHER = "other", _l("Other source")


class Grant(Base):
    """One grant to a group. `programme` is the funding programme's name as
    the decree gives it ("JPS TKM 2023"), not the group's own programme."""

    __tablename__ = "group_grant"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_group_grant_group_received", "group_id", "received_on"),
        Index("ix_group_grant_year_group", "funding_year", "group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"))
    programme: Mapped[str] = mapped_column(String(120))
    funding_year: Mapped[int]
    amount: Mapped[Rupiah]
    source: Mapped[GrantSource] = enum_column(GrantSource, length=12)
    received_on: Mapped[date]
    # The moment `received_on` began in Jakarta (UTC): what "since the
    # grant" counts orders from, kept with the day by the services.
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    group: Mapped[Group] = relationship()
    items: Mapped[list[GrantItem]] = relationship(
        back_populates="grant",
        cascade="all, delete-orphan",
        order_by="GrantItem.id",
    )

    @property
    def spent(self) -> int:
        return sum(item.cost for item in self.items)

    @property
    def left(self) -> int:
        return self.amount - self.spent


class GrantItem(Base):
    """Equipment a grant bought: `cost` is what the whole quantity cost."""

    __tablename__ = "grant_item"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("cost >= 0", name="cost_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(
        ForeignKey("group_grant.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[int]
    cost: Mapped[Rupiah]

    grant: Mapped[Grant] = relationship(back_populates="items")
    photos: Mapped[list[GrantItemPhoto]] = relationship(
        back_populates="item",
        cascade="all, delete-orphan",
        order_by="GrantItemPhoto.position",
        collection_class=ordering_list("position"),
    )


class GrantItemPhoto(Base):
    __tablename__ = "grant_item_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("grant_item.id", ondelete="CASCADE"), index=True
    )
    image_id: Mapped[int] = mapped_column(ForeignKey("image.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    item: Mapped[GrantItem] = relationship(back_populates="photos")
    image: Mapped[Image] = relationship(lazy="joined", innerjoin=True)
