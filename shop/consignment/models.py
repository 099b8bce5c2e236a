"""Consignment (titip jual): goods a group leaves at warungs and shops.

An outlet is a place the group leaves goods at. A consignment is one drop-off
(the signed "nota titip"): its lines say what was left and at what agreed
price per unit. A visit records, per line, what sold, what came back still
good (back into stock) and what came back expired or damaged (written off),
and the money the outlet paid.

The counters on the lines and the outlet (sold, returned, money) are kept by
`shop.consignment.services` with conditional updates, so two people recording
visits at once can never sell more than was left or take more money than is
owed; the CHECK constraints are the last line of defence. For every line

    quantity == out + sold + restocked + written_off

and for every tracked variant, its stock plus what is out at outlets, sold
there and written off stays what it was before the goods left.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base, Rupiah, utcnow
from shop.groups.models import Group
from shop.regions.models import District, Province, Regency

DEFAULT_VISIT_EVERY_DAYS = 7


class Outlet(Base):
    __tablename__ = "consignment_outlet"
    __table_args__ = (
        CheckConstraint("visit_every_days BETWEEN 1 AND 90", name="visit_every_days"),
        CheckConstraint("sold_value >= 0 AND received >= 0", name="money_nonnegative"),
        CheckConstraint("received <= sold_value", name="received_not_above_sold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    owner_name: Mapped[str] = mapped_column(String(120), default="")
    whatsapp: Mapped[str | None] = mapped_column(String(20))
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"))
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"))
    district_code: Mapped[str | None] = mapped_column(ForeignKey("district.code"))
    address: Mapped[str] = mapped_column(Text, default="")
    # How often the group means to come by; a visit is due this many days
    # after the last visit (or drop-off) while goods are still out there.
    visit_every_days: Mapped[int] = mapped_column(default=DEFAULT_VISIT_EVERY_DAYS)
    # Running totals kept by the services: the value of everything sold at
    # the agreed prices, and the money the outlet has paid.
    sold_value: Mapped[Rupiah] = mapped_column(default=0)
    received: Mapped[Rupiah] = mapped_column(default=0)
    # The last day the group was there (a drop-off or a visit).
    last_seen_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    group: Mapped[Group] = relationship()
    province: Mapped[Province] = relationship()
    regency: Mapped[Regency] = relationship()
    district: Mapped[District | None] = relationship()

    @property
    def owed(self) -> int:
        return self.sold_value - self.received

    @property
    def place(self) -> str:
        parts = (self.district, self.regency)
        return ", ".join(part.name for part in parts if part is not None)

    def visit_due_on(self) -> date | None:
        if self.last_seen_on is None:
            return None
        return self.last_seen_on + timedelta(days=self.visit_every_days)


class Consignment(Base):
    """One drop-off at an outlet: the nota titip the owner signs."""

    __tablename__ = "consignment"
    __table_args__ = (Index("ix_consignment_outlet_left_on", "outlet_id", "left_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("consignment_outlet.id", ondelete="CASCADE"))
    left_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    outlet: Mapped[Outlet] = relationship()
    lines: Mapped[list[ConsignmentLine]] = relationship(
        back_populates="consignment", cascade="all, delete-orphan", order_by="ConsignmentLine.id"
    )

    @property
    def total_quantity(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def total_value(self) -> int:
        return sum(line.value for line in self.lines)

    @property
    def counted(self) -> bool:
        """Whether a visit has recorded anything on it (then it can no longer
        be cancelled)."""
        return any(line.out != line.quantity for line in self.lines)


class ConsignmentLine(Base):
    __tablename__ = "consignment_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="price_nonnegative"),
        CheckConstraint(
            "sold >= 0 AND restocked >= 0 AND written_off >= 0", name="counts_nonnegative"
        ),
        CheckConstraint("sold + restocked + written_off <= quantity", name="not_above_quantity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consignment_id: Mapped[int] = mapped_column(
        ForeignKey("consignment.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("product.id", ondelete="SET NULL"), index=True
    )
    variant_id: Mapped[int | None] = mapped_column(
        ForeignKey("variant.id", ondelete="SET NULL"), index=True
    )
    # What was left, as it was then (the product may be renamed or removed).
    product_name: Mapped[str] = mapped_column(String(120))
    variant_label: Mapped[str] = mapped_column(String(60))
    unit_price: Mapped[Rupiah]
    quantity: Mapped[int]
    # Whether the units came out of the variant's tracked stock (made-to-order
    # goods did not, and go back nowhere).
    from_stock: Mapped[bool] = mapped_column(default=False)
    # The drop-off day plus the product's shelf life, when it has one.
    expires_on: Mapped[date | None]
    sold: Mapped[int] = mapped_column(default=0)
    restocked: Mapped[int] = mapped_column(default=0)
    written_off: Mapped[int] = mapped_column(default=0)

    consignment: Mapped[Consignment] = relationship(back_populates="lines")

    @hybrid_property
    def out(self) -> int:
        """Units still at the outlet; in a query, the same as a column expression."""
        return self.quantity - self.sold - self.restocked - self.written_off

    @property
    def value(self) -> int:
        return self.quantity * self.unit_price


class Visit(Base):
    """A later visit: what sold, what came back, the money received."""

    __tablename__ = "consignment_visit"
    __table_args__ = (
        Index("ix_consignment_visit_outlet_on", "outlet_id", "visited_on"),
        Index("ix_consignment_visit_group_on", "group_id", "visited_on"),
        CheckConstraint("money_received >= 0", name="money_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("consignment_outlet.id", ondelete="CASCADE"))
    visited_on: Mapped[date]
    money_received: Mapped[Rupiah] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    outlet: Mapped[Outlet] = relationship()
    lines: Mapped[list[VisitLine]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="VisitLine.id"
    )

    @property
    def sold_value(self) -> int:
        return sum(line.sold * line.line.unit_price for line in self.lines)


class VisitLine(Base):
    __tablename__ = "consignment_visit_line"
    __table_args__ = (
        CheckConstraint(
            "sold >= 0 AND restocked >= 0 AND written_off >= 0", name="counts_nonnegative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        ForeignKey("consignment_visit.id", ondelete="CASCADE"), index=True
    )
    line_id: Mapped[int] = mapped_column(
        ForeignKey("consignment_line.id", ondelete="CASCADE"), index=True
    )
    sold: Mapped[int] = mapped_column(default=0)
    restocked: Mapped[int] = mapped_column(default=0)
    written_off: Mapped[int] = mapped_column(default=0)

    visit: Mapped[Visit] = relationship(back_populates="lines")
    line: Mapped[ConsignmentLine] = relationship()
