"""Where the order figures of a range come from.

The rollups (`shop.monitoring.models`, kept by `shop.monitoring.rollups`)
answer for the built months whose rolled-up part the range covers (from the
month's first day to its `through`); the orders themselves for the rest of
the range (its partial months, the last hour or so, a month not built yet)
and for the group-months marked changed since they were rolled up, which the
rollup half leaves out. Where the page needs no key finer than programme,
province or month and its scope and filters are made of programmes and
provinces, the rollup half reads the cells (`monitoring_cell`, a few
thousand rows) less the rows of the marked group-months, instead of every
group's rows. Both halves are grouped by
the same key (the group's programme, region or id as the group is now, or the
month), so their sums are the full count's, exactly.

The median time to confirm is not a sum: the histograms of both halves say
which interval of `CONFIRM_BUCKETS` holds the middle value(s) of each row and
of the total, and only the values in those intervals are read (the rollups
keep each group-month's values sorted) and sorted.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    BigInteger,
    Integer,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    true,
    tuple_,
    union_all,
)

from shop.coordinators.scope import Scope
from shop.core.clock import midnight_utc
from shop.extensions import db
from shop.groups.models import Group
from shop.monitoring.filters import Filters, group_clause, group_key, month_starts, order_key
from shop.monitoring.models import (
    BUCKET_COLUMNS,
    CONFIRM_BUCKETS,
    FIGURE_COLUMNS,
    built_months,
    cell_figures,
    dirty_months,
    month_figures,
)
from shop.monitoring.packed import unpack
from shop.monitoring.rollups import bucket_of, month_bounds, postgresql
from shop.orders.models import Order
from shop.sales.figures import NOT_SALES

BUCKETS = len(CONFIRM_BUCKETS)


@dataclass(frozen=True)
class Plan:
    """The built months the rollups answer for and how far (`through`, in
    the same order), the group-months of those marked changed (read from the
    orders instead), the UTC intervals read from the orders, and whether the
    cells answer for the rollups."""

    rolled: tuple[date, ...]
    live: tuple[tuple[datetime, datetime], ...]
    marked: tuple[tuple[int, date], ...] = ()
    through: tuple[datetime, ...] = ()
    cells: bool = False

    def rolled_part(self, month: date) -> tuple[datetime, datetime]:
        """The UTC interval of `month` its rows count."""
        return month_bounds(month)[0], self.through[self.rolled.index(month)]


def cells_answer(scope: Scope, filters: Filters) -> bool:
    """Whether the cells hold every figure the page needs: rows per
    programme, province or month, over groups chosen by programme and
    province only."""
    return (
        filters.by in ("programme", "province", "month")
        and not filters.regency
        and not filters.q
        and not filters.funding_year
        and (scope.is_operator or not scope.regencies)
    )


def plan(scope: Scope, filters: Filters, use_rollups: bool = True) -> Plan:
    """One statement (none without a month starting in the range): the
    built months and their marks are read together, so each group-month is
    counted once, from the rollup or from the orders, whatever commits
    meanwhile."""
    start_at = midnight_utc(filters.start)
    end_at = midnight_utc(filters.end + timedelta(days=1))
    starting = [month for month in month_starts(filters)[:-1] if month >= filters.start]
    rolled: dict[date, datetime] = {}
    marks: list[tuple[int, date]] = []
    if use_rollups and starting:
        built = select(
            built_months.c.month, built_months.c.through, cast(null(), Integer).label("group_id")
        ).where(built_months.c.month.in_(starting))
        marked = select(
            dirty_months.c.month, dirty_months.c.starts_at, dirty_months.c.group_id
        ).where(dirty_months.c.month.in_(starting))
        for month, through, group_id in db.session.execute(union_all(built, marked)):
            if group_id is not None:
                marks.append((group_id, month))
            elif through <= end_at:
                rolled[month] = through
    months = sorted(rolled)
    live, cursor = [], start_at
    for month in months:
        starts = month_bounds(month)[0]
        if starts > cursor:
            live.append((cursor, starts))
        cursor = rolled[month]
    if cursor < end_at:
        live.append((cursor, end_at))
    marks = sorted(mark for mark in marks if mark[1] in rolled)
    return Plan(
        tuple(months),
        tuple(live),
        tuple(marks),
        tuple(rolled[month] for month in months),
        cells_answer(scope, filters),
    )


# The orders' half


def live_selects(scope: Scope, filters: Filters, plan: Plan, *columns, sales=True, join=None):
    """The SELECT of `columns` over the orders the rollups do not answer
    for: those in the live intervals and those of the marked group-months
    (a list, empty when there are none)."""
    within = [and_(Order.created_at >= a, Order.created_at < b) for a, b in plan.live]
    for group_id, month in plan.marked:
        starts, ends = plan.rolled_part(month)
        within.append(
            and_(Order.group_id == group_id, Order.created_at >= starts, Order.created_at < ends)
        )
    if not within:
        return []
    stmt = select(*columns).select_from(Order).join(Group, Group.id == Order.group_id)
    if join is not None:
        stmt = stmt.join(*join)
    stmt = stmt.where(group_clause(scope, filters), or_(*within))
    return [stmt.where(Order.status.not_in(NOT_SALES)) if sales else stmt]


def union(selects):
    return (selects[0] if len(selects) == 1 else union_all(*selects)).subquery()


def seconds_text(seconds):
    """The seconds of a group of rows as one comma-separated text (NULLs,
    the unconfirmed orders, skipped)."""
    if postgresql():
        return func.string_agg(cast(cast(seconds, BigInteger), Text), ",")
    return func.group_concat(seconds)


# The rollups' half


def _rolled_key(filters: Filters, table=month_figures):
    if filters.by == "month":
        months = month_starts(filters)[:-1]
        return case({month: i for i, month in enumerate(months)}, value=table.c.month)
    if table is cell_figures:
        return {"programme": table.c.programme, "province": table.c.province_code}[filters.by]
    return group_key(filters.by)


def cell_clause(scope: Scope, filters: Filters, table=cell_figures):
    """The cells (of `table`: it has programme and province_code) of the
    groups in question."""
    c = table.c
    clauses = []
    if not scope.is_operator and scope.programmes:
        clauses.append(c.programme.in_(sorted(p.value for p in scope.programmes)))
    if not scope.is_operator and scope.provinces:
        clauses.append(c.province_code.in_(sorted(scope.provinces)))
    if filters.programme:
        clauses.append(c.programme == filters.programme.value)
    if filters.province:
        clauses.append(c.province_code == filters.province)
    return and_(true(), *clauses)


def _rolled(scope: Scope, filters: Filters, plan: Plan, columns, marked_only: bool = False):
    """The SELECT of `columns(table)` (with the key first) over the rows
    the rollups answer with: the cells (or, with `marked_only`, the marked
    group-months' rows, which the cells hold and the page must leave out),
    else every group's rows but the marked ones."""
    if plan.cells and not marked_only:
        c = cell_figures.c
        return (
            select(_rolled_key(filters, cell_figures), *columns(cell_figures))
            .select_from(cell_figures)
            .where(cell_clause(scope, filters), c.month.in_(plan.rolled))
        )
    m = month_figures.c
    pairs = tuple_(m.group_id, m.month)
    if marked_only:
        chosen = pairs.in_(plan.marked)
    else:
        chosen = pairs.not_in(plan.marked) if plan.marked else true()
    return (
        select(_rolled_key(filters), *columns(month_figures))
        .select_from(month_figures)
        .join(Group, Group.id == m.group_id)
        .where(group_clause(scope, filters), m.month.in_(plan.rolled), chosen)
    )


def _rolled_statement(
    scope: Scope, filters: Filters, plan: Plan, columns, where=None, grouped=False
):
    """One statement of the rows the rollups answer with, as (key,
    *columns, sign): the rows to add (sign 1) and, when the cells answer
    and group-months are marked, the marked rows to take away (sign -1).
    `where(table)` narrows each part; `grouped` groups each part by key."""
    parts = (False, True) if plan.cells and plan.marked else (False,)
    selects = []
    for marked_only in parts:
        table = month_figures if marked_only or not plan.cells else cell_figures
        stmt = _rolled(scope, filters, plan, columns, marked_only)
        stmt = stmt.add_columns(literal(-1 if marked_only else 1).label("sign"))
        if where is not None:
            stmt = stmt.where(where(table))
        if grouped:
            stmt = stmt.group_by(stmt.selected_columns[0])
        selects.append(stmt)
    return selects[0] if len(selects) == 1 else union_all(*selects)


@dataclass
class RolledSums:
    orders: int = 0
    paid: int = 0
    unpaid: int = 0
    items: int = 0
    refunds: int = 0
    histogram: tuple[int, ...] = (0,) * BUCKETS


def rolled_sums(scope: Scope, filters: Filters, plan: Plan) -> dict[object, RolledSums]:
    """The rollups' sums per key: one statement (none without built months)."""
    if not plan.rolled:
        return {}

    def sums(table):
        return [func.sum(table.c[name]) for name in (*FIGURE_COLUMNS, *BUCKET_COLUMNS)]

    totals: dict[object, list[int]] = {}
    stmt = _rolled_statement(scope, filters, plan, sums, grouped=True)
    for k, *values, sign in db.session.execute(stmt):
        found = totals.setdefault(k, [0] * len(values))
        for i, value in enumerate(values):
            found[i] += sign * int(value or 0)
    figures = len(FIGURE_COLUMNS)
    return {
        k: RolledSums(*values[:figures], histogram=tuple(values[figures:]))
        for k, values in totals.items()
    }


# The median


def _bucket_with(histogram, rank: int) -> tuple[int, int]:
    """The interval holding the value of 0-based `rank`, and how many values
    lie in the intervals below it."""
    below = 0
    for bucket, count in enumerate(histogram):
        if rank < below + count:
            return bucket, below
        below += count
    raise ValueError("rank past the values")


def _slice(values, bucket: int):
    lo = bisect_left(values, CONFIRM_BUCKETS[bucket]) if bucket else 0
    hi = bisect_left(values, CONFIRM_BUCKETS[bucket + 1]) if bucket + 1 < BUCKETS else len(values)
    return values[lo:hi]


def medians(
    scope: Scope,
    filters: Filters,
    plan: Plan,
    live_seconds: dict[object, list[int]],
    rolled: dict[object, RolledSums],
) -> dict[object, float]:
    """The median seconds to confirm per key and over everything (key None),
    the same definition as percentile_cont(0.5): the middle value, or the
    mean of the two middle ones. One statement when the rollups hold some of
    the middle values."""
    histograms: dict[object, list[int]] = {}
    for k in set(live_seconds) | set(rolled):
        histogram = list(rolled[k].histogram) if k in rolled else [0] * BUCKETS
        for value in live_seconds.get(k, ()):
            histogram[bucket_of(value)] += 1
        histograms[k] = histogram
    histograms[None] = [sum(column) for column in zip(*histograms.values(), strict=True)] or [
        0
    ] * BUCKETS

    wanted: dict[object, list[tuple[int, int, int]]] = {}
    for k, histogram in histograms.items():
        n = sum(histogram)
        if n:
            ranks = [n // 2] if n % 2 else [n // 2 - 1, n // 2]
            wanted[k] = [(rank, *_bucket_with(histogram, rank)) for rank in ranks]
    buckets_of = {k: {bucket for _rank, bucket, _below in w} for k, w in wanted.items()}

    values: dict[tuple[object, int], list[int]] = defaultdict(list)
    everything = buckets_of.get(None, set())

    def collect(k, sorted_values):
        for bucket in buckets_of.get(k, set()) | everything:
            part = _slice(sorted_values, bucket)
            if bucket in buckets_of.get(k, ()):
                values[k, bucket].extend(part)
            if bucket in everything:
                values[None, bucket].extend(part)

    for k, seconds in live_seconds.items():
        collect(k, sorted(seconds))
    needed = set().union(*buckets_of.values()) if buckets_of else set()
    if plan.rolled and needed:
        # Each row's values of a bucket are the slice of its sorted array
        # that its histogram gives: only those bytes are read.
        needed_list = sorted(needed)

        def slices(table):
            c = table.c
            parts = []
            for bucket in needed_list:
                offset = sum((c[name] for name in BUCKET_COLUMNS[:bucket]), literal(0))
                count = c[BUCKET_COLUMNS[bucket]]
                parts.append(func.substr(c.confirm_seconds, offset * 4 + 1, count * 4))
            return parts

        def nonempty(table):
            return or_(*(table.c[BUCKET_COLUMNS[bucket]] > 0 for bucket in needed_list))

        stmt = _rolled_statement(scope, filters, plan, slices, where=nonempty)
        chunks: dict[tuple[object, int, int], list[bytes]] = defaultdict(list)
        for k, *row, sign in db.session.execute(stmt):
            mine = buckets_of.get(k, ())
            for bucket, part in zip(needed_list, row, strict=True):
                if not part:
                    continue
                if bucket in mine:
                    chunks[k, bucket, sign].append(part)
                if bucket in everything:
                    chunks[None, bucket, sign].append(part)
        for (k, bucket, sign), found_parts in sorted(chunks.items(), key=lambda c: -c[0][2]):
            found = unpack(b"".join(found_parts))
            if sign < 0:
                values[k, bucket] = _without(values[k, bucket], found)
            else:
                values[k, bucket].extend(found)

    found = {}
    for k, targets in wanted.items():
        middle = []
        for rank, bucket, below in targets:
            in_bucket = sorted(values[k, bucket])
            middle.append(in_bucket[rank - below])
        found[k] = float(middle[0]) if len(middle) == 1 else (middle[0] + middle[1]) / 2
    return found


def _without(values: list[int], taken) -> list[int]:
    """`values` less one of each of `taken` (a multiset difference)."""
    left = Counter(taken)
    kept = []
    for value in values:
        if left[value]:
            left[value] -= 1
        else:
            kept.append(value)
    return kept


def live_key(filters: Filters):
    return order_key(filters).label("key")
