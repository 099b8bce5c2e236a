""" "Since the grant": for each group with a grant, what it sold after it.

A group's row starts on the day its first grant was received (Jakarta) and
runs to now: its online orders (counted as on the monitoring page: cancelled
and expired left out; revenue is the goods' value, paid and not yet paid
apart), its consignment sales (units sold at outlets at the agreed price, by
visit day), its active months (Jakarta calendar months with a counted order
or a consignment sale) out of the months since the grant, next to the sum
of all its grants. The groups are those in the coordinator's scope that
match the monitoring filters (programme, region, name, funding year); the
date range does not apply.

Two statements whatever the number of groups, grants, orders and visits:
the groups with their grants (grouped), and every figure from one grouped
union of their orders and sold visit lines since their first grant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Integer, case, func, literal, select, union_all

from shop.consignment import channel
from shop.consignment.models import Visit, VisitLine
from shop.coordinators.scope import Scope
from shop.core.clock import jakarta_today
from shop.core.text import fold
from shop.extensions import db
from shop.grants.models import Grant
from shop.groups.models import Group
from shop.monitoring.filters import Filters, group_clause
from shop.monitoring.rollups import postgresql
from shop.orders.models import Order, PaymentStatus
from shop.sales.figures import NOT_SALES, SalesFigures


@dataclass
class SinceGrant(SalesFigures):
    """One group's row (or the totals, with `group_id` None)."""

    group_id: int | None = None
    name: str = ""
    slug: str = ""
    since: date | None = None
    granted: int = 0
    grants: int = 0
    years: tuple[int, ...] = ()
    orders: int = 0
    active_months: int = 0
    months: int = 0

    @property
    def years_text(self) -> str:
        return ", ".join(str(year) for year in self.years)

    @property
    def sales_per_grant(self) -> float | None:
        """Rupiah sold per rupiah granted."""
        return round(self.total_sales / self.granted, 2) if self.granted else None


@dataclass
class SinceGrantTable:
    filters: Filters
    rows: list[SinceGrant]
    total: SinceGrant = field(default_factory=SinceGrant)


def months_between(first: date, today: date) -> int:
    """Calendar months from `first`'s to `today`'s, both counted."""
    return max((today.year - first.year) * 12 + today.month - first.month + 1, 0)


def _order_month():
    """The Jakarta month of an order as text (YYYY-MM); Jakarta keeps +7 all year."""
    if postgresql():
        return func.to_char(func.timezone("Asia/Jakarta", Order.created_at), "YYYY-MM")
    return func.strftime("%Y-%m", Order.created_at, "+7 hours")


def _visit_month():
    if postgresql():
        return func.to_char(Visit.visited_on, "YYYY-MM")
    return func.strftime("%Y-%m", Visit.visited_on)


def _first_grants(in_question):
    """Per group in question with a grant: its first grant's day and moment."""
    return (
        select(
            Grant.group_id.label("group_id"),
            func.min(Grant.received_on).label("since_on"),
            func.min(Grant.received_at).label("since_at"),
        )
        .join(Group, Group.id == Grant.group_id)
        .where(in_question)
        .group_by(Grant.group_id)
        .subquery()
    )


def since_grant(scope: Scope, filters: Filters, today: date | None = None) -> SinceGrantTable:
    """The rows of the groups in scope matching `filters`, and the totals."""
    rows = since_grant_rows(group_clause(scope, filters), today or jakarta_today())
    total = SinceGrant(name=_("Total"))
    for row in rows:
        for name in ("granted", "grants", "orders", "paid", "unpaid", "consigned"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.consigned_units += row.consigned_units
        total.active_months += row.active_months
        total.months += row.months
    return SinceGrantTable(filters=filters, rows=rows, total=total)


def group_since_grant(group: Group, today: date) -> SinceGrant | None:
    """One group's row (the funders' report), None without a grant."""
    rows = since_grant_rows(Group.id == group.id, today)
    return rows[0] if rows else None


def since_grant_rows(in_question, today: date) -> list[SinceGrant]:
    """A row per group matching `in_question` that has a grant, by the day
    of its first grant: two statements."""
    rows: dict[int, SinceGrant] = {}
    # A row per group and funding year: the years come along without a
    # string aggregate that differs between the engines.
    years_of: dict[int, set[int]] = {}
    for group_id, name, slug, since, granted, count, year in db.session.execute(
        select(
            Group.id,
            Group.name,
            Group.slug,
            func.min(Grant.received_on),
            func.sum(Grant.amount),
            func.count(Grant.id),
            Grant.funding_year,
        )
        .join(Grant, Grant.group_id == Group.id)
        .where(in_question)
        .group_by(Group.id, Group.name, Group.slug, Grant.funding_year)
    ):
        row = rows.get(group_id)
        if row is None:
            row = rows[group_id] = SinceGrant(group_id=group_id, name=name, slug=slug, since=since)
        row.since = min(row.since, since)
        row.granted += int(granted)
        row.grants += count
        years_of.setdefault(group_id, set()).add(year)
    for group_id, years in years_of.items():
        rows[group_id].years = tuple(sorted(years))
        rows[group_id].months = months_between(rows[group_id].since, today)

    if rows:
        first = _first_grants(in_question)
        zero = literal(0, Integer)
        paid = Order.payment_status == PaymentStatus.PAID
        orders = (
            select(
                Order.group_id.label("group_id"),
                _order_month().label("month"),
                literal(1, Integer).label("orders"),
                case((paid, Order.subtotal), else_=0).label("paid"),
                case((paid, 0), else_=Order.subtotal).label("unpaid"),
                zero.label("consigned"),
                zero.label("units"),
            )
            .join(first, first.c.group_id == Order.group_id)
            .where(Order.created_at >= first.c.since_at, Order.status.not_in(NOT_SALES))
        )
        visits = channel.sold_lines(
            Visit.group_id.label("group_id"),
            _visit_month().label("month"),
            zero.label("orders"),
            zero.label("paid"),
            zero.label("unpaid"),
            channel.sold_value().label("consigned"),
            VisitLine.sold.label("units"),
        )
        visits = visits.join(first, first.c.group_id == Visit.group_id).where(
            Visit.visited_on >= first.c.since_on
        )
        events = union_all(orders, visits).subquery()
        e = events.c
        for group_id, count, paid_sum, unpaid_sum, consigned, units, months in db.session.execute(
            select(
                e.group_id,
                func.sum(e.orders),
                func.sum(e.paid),
                func.sum(e.unpaid),
                func.sum(e.consigned),
                func.sum(e.units),
                func.count(func.distinct(e.month)),
            ).group_by(e.group_id)
        ):
            row = rows[group_id]
            row.orders = int(count or 0)
            row.paid = int(paid_sum or 0)
            row.unpaid = int(unpaid_sum or 0)
            row.consigned = int(consigned or 0)
            row.consigned_units = int(units or 0)
            row.active_months = int(months or 0)

    return sorted(rows.values(), key=lambda row: (row.since, fold(row.name)))
