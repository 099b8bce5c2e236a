"""The monitoring filters and what they select: the groups in question (in
the coordinator's scope and matching the filters), the orders they placed in
the range of Jakarta days, and the key each order falls under (its group's
programme, province, regency/city or group, or its month).

Months are put in their bucket by a CASE over UTC bounds computed in Python
(as in `shop.sales.figures`), which gives the same answer on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import String, and_, case, func, literal, select, type_coerce

from shop.coordinators.scope import Scope
from shop.core.clock import midnight_utc
from shop.core.text import fold
from shop.grants.models import Grant
from shop.groups.models import Group, Programme
from shop.orders.models import Order
from shop.sales.figures import NOT_SALES

DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    by: str = "programme"
    programme: Programme | None = None
    province: str = ""
    regency: str = ""
    q: str = ""
    # Groups with a grant of this funding year.
    funding_year: int | None = None

    def args(self) -> dict[str, str]:
        """The query string that gives these filters back (page ↔ exports)."""
        args = {
            "per": self.by,
            "dari": self.start.isoformat(),
            "sampai": self.end.isoformat(),
            "program": self.programme.value if self.programme else "",
            "provinsi": self.province,
            "kabupaten": self.regency,
            "q": self.q,
            "tahun": str(self.funding_year) if self.funding_year else "",
        }
        return {key: value for key, value in args.items() if value}

    def details(self) -> str:
        """For the audit entry: exact and the same in every language."""
        return "; ".join(f"{key}={value}" for key, value in self.args().items())


def default_start(today: date, months: int = DEFAULT_MONTHS) -> date:
    """The first day of the month `months - 1` months before today's."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def group_clause(scope: Scope, filters: Filters):
    """The groups the figures are about: in scope and matching the filters."""
    clauses = [scope.groups_clause()]
    if filters.programme:
        clauses.append(Group.programme == filters.programme)
    if filters.regency:
        clauses.append(Group.regency_code == filters.regency)
    elif filters.province:
        clauses.append(Group.province_code == filters.province)
    if filters.q:
        clauses.append(func.lower(Group.name).contains(fold(filters.q), autoescape=True))
    if filters.funding_year:
        clauses.append(
            Group.id.in_(select(Grant.group_id).where(Grant.funding_year == filters.funding_year))
        )
    return and_(*clauses)


# The key of a group without a grant under "by funding year" (never None:
# None stands for the totals where the figures are gathered).
NO_GRANT = 0


def first_funding_year(group=Group):
    """The funding year of the group's first grant, NO_GRANT without one: a
    group falls under one year only, so the rows add up to the totals."""
    return func.coalesce(
        select(func.min(Grant.funding_year))
        .where(Grant.group_id == group.id)
        .correlate(group)
        .scalar_subquery(),
        NO_GRANT,
    )


def month_starts(filters: Filters) -> list[date]:
    """The first day of every month the range touches, and of the next one."""
    index = filters.start.year * 12 + filters.start.month - 1
    last = filters.end.year * 12 + filters.end.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index, last + 2)]


def month_key(filters: Filters):
    """The month of `Order.created_at` as its number in the range (0 = first)."""
    bounds = [midnight_utc(day) for day in month_starts(filters)[1:-1]]
    if not bounds:
        return literal(0)
    return case(
        *((Order.created_at < bound, i) for i, bound in enumerate(bounds)),
        else_=len(bounds),
    )


def group_key(by: str):
    # The programme as its plain value: converting tens of thousands of rows
    # back to the enum costs more than the query itself.
    return {
        "programme": type_coerce(Group.programme, String()),
        "province": Group.province_code,
        "regency": Group.regency_code,
        "group": Group.id,
        "funding_year": first_funding_year(),
    }[by]


def order_key(filters: Filters):
    return month_key(filters) if filters.by == "month" else group_key(filters.by)


def placed_orders(scope: Scope, filters: Filters, *columns, sales: bool = True):
    """The counted orders of the groups in question, as `columns` (with
    `sales=False`, the cancelled and expired ones too)."""
    stmt = (
        select(*columns)
        .select_from(Order)
        .join(Group, Group.id == Order.group_id)
        .where(
            group_clause(scope, filters),
            Order.created_at >= midnight_utc(filters.start),
            Order.created_at < midnight_utc(filters.end + timedelta(days=1)),
        )
    )
    return stmt.where(Order.status.not_in(NOT_SALES)) if sales else stmt
