"""Monitoring (monev) figures for a coordinator's scope.

Orders, revenue (paid and not yet paid apart), items sold, active groups and
products and the median time to confirm, grouped by programme, province,
regency/city, group or month, over a range of Jakarta days.

What counts is what the group's own sales page counts (`shop.sales.figures`):
orders placed in the range, cancelled and expired ones left out; revenue is
the value of the goods (the subtotal), "paid" means the group marked the
payment received; items sold are the line quantities of those orders; the
time to confirm is confirmed_at − created_at of the orders that were
confirmed (orders never confirmed are left out of the median). Active
products are those anyone can see on the public site now (published, not
hidden by a coordinator, of a group that is not suspended) and an active group
has at least one: a state of today, not of the date range.

Consignment (titip jual) is a channel of its own, shown beside the online
revenue and never mixed into it: the value of the units recorded as sold at
the groups' outlets (at the price agreed with the outlet), those units, and
the money the outlets paid, all counted on the day of the visit that recorded
them. `Visit.visited_on` is already a Jakarta calendar day, so the range is
simply start <= visited_on <= end and a month is visited_on >= its first day.
An undone visit is gone and counts nowhere. "Total sales" is online revenue
plus consignment sales; rows are ordered by it. Refunds (money that goes or
went back to buyers, shop.payments.refunds) are a figure of their own, by the
date of the order they were paid for, whatever became of it; never a sale.

Every figure is aggregated in SQL with GROUP BY over the groups in scope, so a
page runs the same few statements whatever the number of groups and orders;
which groups and orders, and the key each falls under, is
`shop.monitoring.filters`. The online orders' figures of the months that have
ended come from the rollups (`shop.monitoring.rollups`), the rest from the
orders (`shop.monitoring.sources`): the same numbers as counting every order,
at any moment (nothing lags). The median is the middle value, or the mean of
the two middle ones (percentile_cont's definition), found from the rollups'
histograms and the few values around the middle.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, literal, select

from shop.consignment import channel
from shop.consignment.models import Visit
from shop.coordinators.scope import Scope
from shop.core.text import fold
from shop.extensions import db
from shop.groups.models import Group, GroupStatus, Programme
from shop.monitoring import sources
from shop.monitoring.filters import (
    NO_GRANT,
    Filters,
    default_start,
    group_clause,
    group_key,
    month_starts,
)
from shop.monitoring.forms import GROUPINGS, MonitoringFilterForm
from shop.monitoring.models import active_cells, group_products
from shop.monitoring.rollups import seconds_to_confirm
from shop.orders.models import Order, OrderLine, PaymentStatus
from shop.payments.models import Refund
from shop.regions.models import Province, Regency
from shop.sales.figures import SalesFigures

MAX_DAYS = 5 * 366


def parse_filters(args: Mapping[str, str], today: date) -> tuple[Filters, list[str]]:
    """Filters from the query string (or the one an export job kept); what
    cannot be used is left out and explained in the messages returned (never
    an error page)."""
    form = MonitoringFilterForm(args)
    # An unknown grouping falls back to the default without a word: the page's
    # menu always sends a known one.
    messages = [str(field.errors[0]) for field in form.ignored if field is not form.per]
    province, regency = form.provinsi.data, form.kabupaten.data
    if regency and province and not regency.startswith(province + "."):
        messages.append(
            _("That regency/city is not in the chosen province; the whole province is shown.")
        )
        regency = ""
    start, end = form.dari.data or default_start(today), form.sampai.data or today
    if start > end:
        start, end = end, start
        messages.append(_("The start date was after the end date; they have been swapped."))
    if (end - start).days > MAX_DAYS:
        start = end - timedelta(days=MAX_DAYS)
        messages.append(
            _(
                "The range is limited to five years; it now starts on %(day)s.",
                day=format_date(start, "long"),
            )
        )

    filters = Filters(
        start,
        end,
        form.per.data,
        form.program.data,
        province,
        regency,
        form.q.data,
        funding_year=form.tahun.data,
    )
    return filters, messages


# Figures


@dataclass
class Figures(SalesFigures):
    """One row of the table (or the totals): `key` is the programme, region
    code, group id or month start it stands for; the sales of both channels
    as on the group's own sales page."""

    key: object
    label: str
    orders: int = 0
    items: int = 0
    # None for a month: "active" is a state of today, not of a month.
    active_groups: int | None = 0
    active_products: int | None = 0
    median_seconds: float | None = None
    slug: str = ""

    @property
    def median_hours(self) -> float | None:
        if self.median_seconds is None:
            return None
        return round(self.median_seconds / 3600, 1)


@dataclass
class Monitoring:
    filters: Filters
    rows: list[Figures]
    total: Figures
    months: list[date] = field(default_factory=list)

    @property
    def grouping_label(self) -> str:
        return str(GROUPINGS[self.filters.by])


def _consignment(scope: Scope, filters: Filters):
    """Consignment value, units and money received per key: one statement."""
    if filters.by == "month":
        key = channel.month_key(month_starts(filters))
    else:
        key = group_key(filters.by)
    rows = channel.channel_rows(
        key,
        group_clause(scope, filters),
        Visit.visited_on >= filters.start,
        Visit.visited_on <= filters.end,
        join=(Group, Group.id == Visit.group_id),
    )
    return db.session.execute(
        select(
            rows.c.key, func.sum(rows.c.value), func.sum(rows.c.units), func.sum(rows.c.received)
        ).group_by(rows.c.key)
    )


def _keys_and_labels(scope: Scope, filters: Filters, months: list[date]) -> list[Figures]:
    """A row for every programme / region / group that has groups matching the
    filters (so a group that sold nothing shows as nothing), or every month."""
    by = filters.by
    if by == "month":
        fmt = "MMM y"
        return [Figures(key=i, label=format_date(day, fmt)) for i, day in enumerate(months[:-1])]
    in_question = group_clause(scope, filters)
    if by == "funding_year":
        key = group_key(by)
        years = db.session.scalars(select(key).select_from(Group).where(in_question).distinct())
        return [
            Figures(key=year, label=str(year) if year != NO_GRANT else _("No grant recorded"))
            for year in sorted(years, key=lambda year: (year == NO_GRANT, year))
        ]
    if by == "programme":
        found = set(db.session.scalars(select(Group.programme).where(in_question).distinct()))
        return [Figures(key=p.value, label=str(p.label)) for p in Programme if p in found]
    if by == "province":
        stmt = select(Province.code, Province.name).where(
            Province.code.in_(select(Group.province_code).where(in_question))
        )
    elif by == "regency":
        stmt = select(Regency.code, Regency.name).where(
            Regency.code.in_(select(Group.regency_code).where(in_question))
        )
    else:
        return [
            Figures(key=gid, label=name, slug=slug)
            for gid, name, slug in db.session.execute(
                select(Group.id, Group.name, Group.slug).where(in_question).order_by(Group.name)
            )
        ]
    return [Figures(key=code, label=name) for code, name in db.session.execute(stmt)]


def monitoring(scope: Scope, filters: Filters, use_rollups: bool = True) -> Monitoring:
    """The figures of the groups in `scope` matching `filters`, a row per key
    and the totals; at most eight statements whatever the numbers of groups,
    orders and visits. The orders' figures come from the rollups and the
    orders they do not cover (`shop.monitoring.sources`); with
    `use_rollups=False`, from the orders alone (the full count the rollups
    are checked against)."""
    months = month_starts(filters)
    rows = _keys_and_labels(scope, filters, months)
    by_key = {row.key: row for row in rows}
    total = Figures(key=None, label=_("Total"))
    plan = sources.plan(scope, filters, use_rollups)
    rolled = sources.rolled_sums(scope, filters, plan)
    for k, sums in rolled.items():
        for target in (by_key[k], total):
            target.orders += sums.orders
            target.paid += sums.paid
            target.unpaid += sums.unpaid
            target.items += sums.items
            target.refunds += sums.refunds
    seconds = _add_orders(scope, filters, plan, by_key, total)
    _add_items_and_refunds(scope, filters, plan, by_key, total)
    for k, value, units, received in _consignment(scope, filters):
        for target in (by_key[k], total):
            target.consigned += int(value or 0)
            target.consigned_units += int(units or 0)
            target.received += int(received or 0)
    for k, value in sources.medians(scope, filters, plan, seconds, rolled).items():
        (total if k is None else by_key[k]).median_seconds = value
    _add_active(scope, filters, rows, total)
    # Months and funding years keep their own order; the rest, biggest first.
    if filters.by not in ("month", "funding_year"):
        rows.sort(key=lambda row: (-row.total_sales, -row.orders, fold(row.label)))
    return Monitoring(filters=filters, rows=rows, total=total, months=months[:-1])


def _add_orders(
    scope: Scope,
    filters: Filters,
    plan: sources.Plan,
    by_key: dict[object, Figures],
    total: Figures,
) -> dict[object, list[int]]:
    """Orders and revenue, paid and not, per key, of the orders the rollups
    do not cover; their confirm times come along as one comma-separated text
    per group of rows and are returned per key, for the medians."""
    paid = (Order.payment_status == PaymentStatus.PAID).label("paid")
    columns = [sources.live_key(filters), paid, Order.subtotal]
    columns.append(seconds_to_confirm().label("seconds"))
    selects = sources.live_selects(scope, filters, plan, *columns)
    seconds: dict[object, list[int]] = defaultdict(list)
    if not selects:
        return seconds
    orders = sources.union(selects)
    figures = [orders.c.key, orders.c.paid, func.count(), func.sum(orders.c.subtotal)]
    figures.append(sources.seconds_text(orders.c.seconds))
    for k, is_paid, count, amount, times in db.session.execute(
        select(*figures).group_by(orders.c.key, orders.c.paid)
    ):
        for target in (by_key[k], total):
            target.orders += count
            if is_paid:
                target.paid += int(amount or 0)
            else:
                target.unpaid += int(amount or 0)
        if times:
            seconds[k].extend(map(int, times.split(",")))
    return seconds


def _add_items_and_refunds(
    scope: Scope,
    filters: Filters,
    plan: sources.Plan,
    by_key: dict[object, Figures],
    total: Figures,
) -> None:
    """Items sold (lines of the counted orders) and refunds (of any order)
    of the orders the rollups do not cover: one statement."""
    selects = []
    for name, column, table, sales in (
        ("items", OrderLine.quantity, OrderLine, True),
        ("refunds", Refund.amount, Refund, False),
    ):
        selects += sources.live_selects(
            scope,
            filters,
            plan,
            sources.live_key(filters),
            literal(name).label("figure"),
            column.label("value"),
            sales=sales,
            join=(table, table.order_id == Order.id),
        )
    if not selects:
        return
    joined = sources.union(selects)
    summed = select(joined.c.key, joined.c.figure, func.sum(joined.c.value)).group_by(
        joined.c.key, joined.c.figure
    )
    for k, name, value in db.session.execute(summed):
        for target in (by_key[k], total):
            setattr(target, name, getattr(target, name) + int(value or 0))


def _add_active(scope: Scope, filters: Filters, rows: list[Figures], total: Figures) -> None:
    """Active groups and products: today's public catalogue, not the range's
    (so a month's row has none), from each group's count of visible products
    (`shop.monitoring.active`) and the group's status now."""
    if sources.cells_answer(scope, filters):
        _add_active_cells(scope, filters, rows, total)
        return
    counts = group_products.c
    active_rows = (
        select(func.count(), func.sum(counts.products))
        .select_from(group_products)
        .join(Group, Group.id == counts.group_id)
        .where(
            group_clause(scope, filters), Group.status == GroupStatus.ACTIVE, counts.products > 0
        )
    )
    if filters.by == "month":
        groups, products = db.session.execute(active_rows).one()
        total.active_groups, total.active_products = groups, int(products or 0)
        for row in rows:
            row.active_groups = row.active_products = None
        return
    by_key = {row.key: row for row in rows}
    key = group_key(filters.by)
    for groups, products, k in db.session.execute(active_rows.add_columns(key).group_by(key)):
        by_key[k].active_groups, by_key[k].active_products = groups, int(products)
        total.active_groups += groups
        total.active_products += int(products)


def _add_active_cells(scope: Scope, filters: Filters, rows: list[Figures], total: Figures) -> None:
    """`_add_active` from the active groups and products per programme and
    province (`monitoring_active`): a few hundred rows."""
    c = active_cells.c
    where = sources.cell_clause(scope, filters, active_cells)
    key = {"programme": c.programme, "province": c.province_code}.get(filters.by)
    columns = [func.sum(c.groups), func.sum(c.products)]
    if key is None:
        groups, products = db.session.execute(select(*columns).where(where)).one()
        total.active_groups, total.active_products = int(groups or 0), int(products or 0)
        for row in rows:
            row.active_groups = row.active_products = None
        return
    by_key = {row.key: row for row in rows}
    for k, groups, products in db.session.execute(select(key, *columns).where(where).group_by(key)):
        by_key[k].active_groups, by_key[k].active_products = int(groups), int(products)
        total.active_groups += int(groups)
        total.active_products += int(products)
