"""What the consignment ledger shows: per outlet and per product, what is
still out there, what is owed, how long it has been out, and what is past its
shelf life. The reminder to send when a visit is due is in
shop.consignment.reminders.

Money is paid by the outlet, not per product: the outlet's payments settle
its oldest sales first (notes in the order the goods were left), which gives
each product line its own "paid" and "owed" while the outlet's owed stays
exactly its sales minus its payments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from shop.catalogue.models import Product, ProductStatus, Variant
from shop.consignment.models import Consignment, ConsignmentLine, Outlet, Visit, VisitLine
from shop.extensions import db
from shop.groups.models import Group

# Goods this close to their shelf life's end are marked "expires soon".
EXPIRING_DAYS = 3


@dataclass
class Freshness:
    """How long goods have been out and whether they are past their shelf life."""

    oldest_out_on: date | None = None
    expires_on: date | None = None

    def note(self, left_on: date, expires_on: date | None) -> None:
        if self.oldest_out_on is None or left_on < self.oldest_out_on:
            self.oldest_out_on = left_on
        if expires_on and (self.expires_on is None or expires_on < self.expires_on):
            self.expires_on = expires_on

    def days_out(self, today: date) -> int | None:
        return None if self.oldest_out_on is None else (today - self.oldest_out_on).days

    def expired(self, today: date) -> bool:
        return self.expires_on is not None and self.expires_on < today

    def expiring(self, today: date) -> bool:
        return self.expires_on is not None and today <= self.expires_on <= today + timedelta(
            days=EXPIRING_DAYS
        )


@dataclass
class ProductRow:
    """One product (variant) at one outlet, over all its notes."""

    product_id: int | None
    variant_id: int | None
    name: str
    variant: str
    left: int = 0
    sold: int = 0
    restocked: int = 0
    written_off: int = 0
    out_value: int = 0
    sold_value: int = 0
    paid: int = 0
    freshness: Freshness = field(default_factory=Freshness)

    @property
    def out(self) -> int:
        return self.left - self.sold - self.restocked - self.written_off

    @property
    def returned(self) -> int:
        return self.restocked + self.written_off

    @property
    def owed(self) -> int:
        return self.sold_value - self.paid


@dataclass
class OpenLine:
    """A note's line with goods still out: what a visit counts."""

    line: ConsignmentLine
    number: str
    left_on: date

    @property
    def out(self) -> int:
        return self.line.out


class _VisitDue:
    """When the next visit is due: while goods are out there or money is
    owed, the outlet's visit interval after the group was last there."""

    outlet: Outlet
    out: int
    owed: int

    def visit_due_on(self) -> date | None:
        if not (self.out or self.owed):
            return None
        return self.outlet.visit_due_on()

    def visit_due(self, today: date) -> bool:
        due = self.visit_due_on()
        return due is not None and due <= today


@dataclass
class OutletLedger(_VisitDue):
    outlet: Outlet
    rows: list[ProductRow]
    open_lines: list[OpenLine]
    consignments: list[Consignment]
    visits: list[Visit]
    freshness: Freshness

    @property
    def out(self) -> int:
        return sum(row.out for row in self.rows)

    @property
    def out_value(self) -> int:
        return sum(row.out_value for row in self.rows)

    @property
    def sold_value(self) -> int:
        return self.outlet.sold_value

    @property
    def owed(self) -> int:
        return self.outlet.owed

    @property
    def latest_visit(self) -> Visit | None:
        """The latest visit by entry (not by its day): the one undo_visit
        accepts, and what a visit form is shown after."""
        return max(self.visits, key=lambda visit: visit.id, default=None)


def allocate(received: int, sold_values: Sequence[int]) -> list[int]:
    """Share `received` over the sales in order, oldest first: what each has
    been paid. Whatever is left over (there should be none) is not shared."""
    paid = []
    for value in sold_values:
        share = min(value, received)
        paid.append(share)
        received -= share
    return paid


def row_order(row: ProductRow):
    # Most still out first, as on the outlet page and in the reminder.
    return (-row.out, row.name, row.variant)


def outlet_ledger(outlet: Outlet) -> OutletLedger:
    """The outlet's ledger: three statements whatever its history."""
    consignments = list(
        db.session.scalars(
            select(Consignment)
            .where(Consignment.outlet_id == outlet.id)
            .options(selectinload(Consignment.lines))
            .order_by(Consignment.left_on, Consignment.id)
        )
    )
    visits = list(
        db.session.scalars(
            select(Visit)
            .where(Visit.outlet_id == outlet.id)
            .options(selectinload(Visit.lines).joinedload(VisitLine.line))
            .order_by(Visit.visited_on.desc(), Visit.id.desc())
        )
    )
    ordered = [(c, line) for c in consignments for line in c.lines]
    paid = allocate(outlet.received, [line.sold * line.unit_price for _, line in ordered])

    rows: dict[tuple, ProductRow] = {}
    open_lines: list[OpenLine] = []
    freshness = Freshness()
    for (consignment, line), line_paid in zip(ordered, paid, strict=True):
        key = (line.variant_id, line.product_name, line.variant_label)
        row = rows.get(key)
        if row is None:
            row = rows[key] = ProductRow(
                line.product_id, line.variant_id, line.product_name, line.variant_label
            )
        row.left += line.quantity
        row.sold += line.sold
        row.restocked += line.restocked
        row.written_off += line.written_off
        row.out_value += line.out * line.unit_price
        row.sold_value += line.sold * line.unit_price
        row.paid += line_paid
        if line.out:
            row.freshness.note(consignment.left_on, line.expires_on)
            freshness.note(consignment.left_on, line.expires_on)
            open_lines.append(OpenLine(line, consignment.number, consignment.left_on))
    ordered_rows = sorted(rows.values(), key=row_order)
    consignments.reverse()  # newest first on the page
    return OutletLedger(outlet, ordered_rows, open_lines, consignments, visits, freshness)


@dataclass
class OutletSummary(_VisitDue):
    outlet: Outlet
    out: int
    out_value: int
    freshness: Freshness

    @property
    def owed(self) -> int:
        return self.outlet.owed


@dataclass
class GroupLedger:
    outlets: list[OutletSummary]

    @property
    def out(self) -> int:
        return sum(entry.out for entry in self.outlets)

    @property
    def out_value(self) -> int:
        return sum(entry.out_value for entry in self.outlets)

    @property
    def owed(self) -> int:
        return sum(entry.owed for entry in self.outlets)

    @property
    def sold_value(self) -> int:
        return sum(entry.outlet.sold_value for entry in self.outlets)


def group_ledger(group: Group, archived: bool = False) -> GroupLedger:
    """Every outlet of the group with what is out there and owed; one
    statement whatever the number of outlets and notes."""
    out = ConsignmentLine.out
    still_out = out > 0
    totals = (
        select(
            Consignment.outlet_id.label("outlet_id"),
            func.sum(out).label("out"),
            func.sum(out * ConsignmentLine.unit_price).label("out_value"),
            func.min(case((still_out, Consignment.left_on))).label("oldest"),
            func.min(case((still_out, ConsignmentLine.expires_on))).label("expires"),
        )
        .join(ConsignmentLine, ConsignmentLine.consignment_id == Consignment.id)
        .where(Consignment.group_id == group.id)
        .group_by(Consignment.outlet_id)
        .subquery()
    )
    stmt = (
        select(Outlet, totals.c.out, totals.c.out_value, totals.c.oldest, totals.c.expires)
        .outerjoin(totals, totals.c.outlet_id == Outlet.id)
        .where(
            Outlet.group_id == group.id,
            Outlet.archived_at.is_not(None) if archived else Outlet.archived_at.is_(None),
        )
        .options(joinedload(Outlet.regency), joinedload(Outlet.district))
        .order_by(func.lower(Outlet.name), Outlet.id)
    )
    return GroupLedger(
        [
            OutletSummary(
                outlet,
                int(out_units or 0),
                int(out_value or 0),
                Freshness(_as_date(oldest), _as_date(expires)),
            )
            for outlet, out_units, out_value, oldest, expires in db.session.execute(stmt)
        ]
    )


def outlets_to_visit(group: Group, today: date) -> list[OutletSummary]:
    """The outlets where a visit is due or goods are past their shelf life:
    what the group's home page reminds the members of (one statement)."""
    return [
        entry
        for entry in group_ledger(group).outlets
        if entry.visit_due(today) or (entry.out and entry.freshness.expired(today))
    ]


def archived_count(group: Group) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Outlet)
        .where(Outlet.group_id == group.id, Outlet.archived_at.is_not(None))
    )


def variants_to_leave(group: Group) -> list[tuple[Variant, Product]]:
    """What the drop-off form offers: every variant of the group's products
    that are not archived, by product name."""
    return list(
        db.session.execute(
            select(Variant, Product)
            .join(Product, Product.id == Variant.product_id)
            .where(Product.group_id == group.id, Product.status != ProductStatus.ARCHIVED)
            .order_by(func.lower(Product.name), Product.id, Variant.position, Variant.id)
        ).all()
    )


def _as_date(value) -> date | None:
    # MIN over a CASE comes back as text on SQLite.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
