"""Where the order figures of a range come from.

The rollups (`shop.monitoring.models`, kept by `shop.monitoring.rollups`)
answer for the months the range covers whole that are built; the orders
themselves for the rest of the range (its partial months, the current month,
a month not built yet) and for the group-months marked changed since they
were rolled up, which the rollup half leaves out. Both halves are grouped by
the same key (the group's programme, region or id as the group is now, or the
month), so their sums are the full count's, exactly.

The median time to confirm is not a sum: the histograms of both halves say
which interval of `CONFIRM_BUCKETS` holds the middle value(s) of each row and
of the total, and only the values in those intervals are read (the rollups
keep each group-month's values sorted) and sorted.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
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
    built_months,
    dirty_months,
    month_figures,
)
from shop.monitoring.rollups import bucket_of, month_bounds, next_month, postgresql, unpack
from shop.orders.models import Order
from shop.sales.figures import NOT_SALES

BUCKETS = len(CONFIRM_BUCKETS)


@dataclass(frozen=True)
class Plan:
    """The built months the rollups answer for, the group-months of those
    marked changed (read from the orders instead), and the UTC intervals
    read from the orders."""

    rolled: tuple[date, ...]
    live: tuple[tuple[datetime, datetime], ...]
    marked: tuple[tuple[int, date], ...] = ()


def plan(filters: Filters, use_rollups: bool = True) -> Plan:
    """One statement (none without whole months in the range): the built
    months and their marks are read together, so each group-month is counted
    once, from the rollup or from the orders, whatever commits meanwhile."""
    start_at = midnight_utc(filters.start)
    end_at = midnight_utc(filters.end + timedelta(days=1))
    whole = [
        month
        for month in month_starts(filters)[:-1]
        if month >= filters.start and next_month(month) - timedelta(days=1) <= filters.end
    ]
    rolled: list[date] = []
    marks: list[tuple[int, date]] = []
    if use_rollups and whole:
        built = select(built_months.c.month, cast(null(), Integer).label("group_id")).where(
            built_months.c.month.in_(whole)
        )
        marked = select(dirty_months.c.month, dirty_months.c.group_id).where(
            dirty_months.c.month.in_(whole)
        )
        for month, group_id in db.session.execute(union_all(built, marked)):
            if group_id is None:
                rolled.append(month)
            else:
                marks.append((group_id, month))
        rolled.sort()
    live, cursor = [], start_at
    for month in rolled:
        starts, ends = month_bounds(month)
        if starts > cursor:
            live.append((cursor, starts))
        cursor = ends
    if cursor < end_at:
        live.append((cursor, end_at))
    marks = sorted(mark for mark in marks if mark[1] in rolled)
    return Plan(tuple(rolled), tuple(live), tuple(marks))


# The orders' half


def live_selects(scope: Scope, filters: Filters, plan: Plan, *columns, sales=True, join=None):
    """The SELECT of `columns` over the orders the rollups do not answer
    for: those in the live intervals and those of the marked group-months
    (a list, empty when there are none)."""
    within = [and_(Order.created_at >= a, Order.created_at < b) for a, b in plan.live]
    for group_id, month in plan.marked:
        starts, ends = month_bounds(month)
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


def _rolled_key(filters: Filters):
    if filters.by == "month":
        months = month_starts(filters)[:-1]
        return case({month: i for i, month in enumerate(months)}, value=month_figures.c.month)
    return group_key(filters.by)


def _rolled(scope: Scope, filters: Filters, plan: Plan, *columns):
    return (
        select(*columns)
        .select_from(month_figures)
        .join(Group, Group.id == month_figures.c.group_id)
        .where(
            group_clause(scope, filters),
            month_figures.c.month.in_(plan.rolled),
            tuple_(month_figures.c.group_id, month_figures.c.month).not_in(plan.marked)
            if plan.marked
            else true(),
        )
    )


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
    key = _rolled_key(filters).label("key")
    c = month_figures.c
    sums = [func.sum(c[name]) for name in ("orders", "paid", "unpaid", "items", "refunds")]
    stmt = _rolled(
        scope, filters, plan, key, *sums, *(func.sum(c[name]) for name in BUCKET_COLUMNS)
    ).group_by(key)
    found = {}
    for k, orders, paid, unpaid, items, refunds, *histogram in db.session.execute(stmt):
        found[k] = RolledSums(
            int(orders or 0),
            int(paid or 0),
            int(unpaid or 0),
            int(items or 0),
            int(refunds or 0),
            tuple(int(n or 0) for n in histogram),
        )
    return found


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
        c = month_figures.c
        needed_list = sorted(needed)
        parts = []
        for bucket in needed_list:
            offset = sum((c[name] for name in BUCKET_COLUMNS[:bucket]), literal(0))
            count = c[BUCKET_COLUMNS[bucket]]
            parts.append(func.substr(c.confirm_seconds, offset * 4 + 1, count * 4))
        stmt = _rolled(scope, filters, plan, _rolled_key(filters), *parts).where(
            or_(*(c[BUCKET_COLUMNS[bucket]] > 0 for bucket in needed_list))
        )
        chunks: dict[tuple[object, int], list[bytes]] = defaultdict(list)
        for k, *row in db.session.execute(stmt):
            mine = buckets_of.get(k, ())
            for bucket, part in zip(needed_list, row, strict=True):
                if not part:
                    continue
                if bucket in mine:
                    chunks[k, bucket].append(part)
                if bucket in everything:
                    chunks[None, bucket].append(part)
        for (k, bucket), found_parts in chunks.items():
            values[k, bucket].extend(unpack(b"".join(found_parts)))

    found = {}
    for k, targets in wanted.items():
        middle = []
        for rank, bucket, below in targets:
            in_bucket = sorted(values[k, bucket])
            middle.append(in_bucket[rank - below])
        found[k] = float(middle[0]) if len(middle) == 1 else (middle[0] + middle[1]) / 2
    return found


def live_key(filters: Filters):
    return order_key(filters).label("key")
