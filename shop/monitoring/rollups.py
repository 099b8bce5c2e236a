"""The monitoring rollups (`shop.monitoring.models`): counted from the orders,
kept up to date, rebuilt and checked.

Every month is rolled up through an instant (`monitoring_built.through`):
its rows count the orders created before it. The periodic task `keep_up`
(every five minutes) builds each month once and brings it forward to
`SETTLE` before now (the month's end, once it ended that long ago): only the
orders of the last hour or so are left for the page to read from the orders,
and none still uncommitted can be missed. Bringing the current month forward
counts only the orders created since the last time and adds them to their
groups' rows.

An order already rolled up that changes (paid, confirmed, cancelled,
expired, its lines, a refund, even one placed in the past by hand) marks its
group-month in `monitoring_dirty` in the same transaction, from a Session
listener (`mark_changed_months`, one INSERT … ON CONFLICT per flush that
changes such orders): every order placed more than `MARK_AGE` ago is
marked, and no month is rolled up closer than `SETTLE` to now. Placing an
order never marks anything, so checkout runs no statement more. The page
counts a marked group-month from its orders, so **no figure lags**: a change
is on the page as soon as it commits. A job after that commit (and
`keep_up`) folds the marked group-months back into the rollup.

Each write of groups' rows recounts their cells (`shop.monitoring.cells`),
in the same transaction; the writers take turns (`cells.lock`).

What the marks cannot see: rows written without the ORM (bulk INSERTs like
bench/generate_orders.py, SQL typed by hand into a built month). For those,
and to check everything, `flask monitoring rebuild` counts every built
month again from the orders, reports the group-months and cells that
differed and writes the counts (`--check` only reports).
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections import defaultdict
from datetime import date, datetime, timedelta
from itertools import chain

from sqlalchemy import Integer, cast, delete, event, func, insert, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE

from shop.core.clock import jakarta_today, midnight_utc
from shop.db import utcnow
from shop.extensions import db
from shop.jobs import enqueue_after_commit
from shop.monitoring import cells
from shop.monitoring.models import (
    BUCKET_COLUMNS,
    CONFIRM_BUCKETS,
    FIGURE_COLUMNS,
    built_months,
    dirty_months,
    month_figures,
)
from shop.monitoring.packed import pack, unpack
from shop.orders.models import Order, OrderLine, PaymentStatus
from shop.payments.models import Refund
from shop.sales.figures import NOT_SALES

log = logging.getLogger(__name__)

# The rollups never count an order placed less than this long ago (a
# transaction still open may yet change it or place one), and every order
# placed at least MARK_AGE ago marks its group-month when it changes.
SETTLE = timedelta(hours=1)
MARK_AGE = SETTLE / 2
# The order columns whose change changes a figure.
ORDER_FIELDS = ("status", "payment_status", "subtotal", "confirmed_at", "created_at", "group_id")
REFRESH_JOB = "shop.monitoring.rollups.refresh_dirty"


# Months


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first and next month's first Jakarta midnight, in UTC."""
    return midnight_utc(month), midnight_utc(next_month(month))


def current_month(now: datetime | None = None) -> date:
    return month_of(jakarta_today(now))


def target_through(month: date, now: datetime) -> datetime | None:
    """How far `month` is to be rolled up at `now`: its end, or SETTLE
    before now (None while that is before the month began)."""
    starts, ends = month_bounds(month)
    through = min(ends, now - SETTLE)
    return through if through > starts else None


# Seconds to confirm


def postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def seconds_to_confirm():
    """Whole seconds from placing to confirming (NULL if never confirmed)."""
    if postgresql():
        return func.round(func.extract("epoch", Order.confirmed_at - Order.created_at))
    days = func.julianday(Order.confirmed_at) - func.julianday(Order.created_at)
    return cast(func.round(days * 86400), Integer)


def bucket_of(seconds: int) -> int:
    return max(bisect_right(CONFIRM_BUCKETS, seconds) - 1, 0)


# Counting from the orders


def count_month(
    month: date, group_ids=None, until: datetime | None = None, since: datetime | None = None
) -> dict[int, dict]:
    """Every group's row of `month` counted from its orders created before
    `until` (and from `since`), only the groups of `group_ids` when given;
    groups with nothing to count have none."""
    starts, ends = month_bounds(month)
    starts, ends = max(starts, since or starts), min(ends, until or ends)
    in_month = [Order.created_at >= starts, Order.created_at < ends]
    if group_ids is not None:
        in_month.append(Order.group_id.in_(sorted(group_ids)))
    counted = [*in_month, Order.status.not_in(NOT_SALES)]
    rows: dict[int, dict] = {}

    def row(group_id: int) -> dict:
        if group_id not in rows:
            rows[group_id] = {
                "group_id": group_id,
                "month": month,
                "orders": 0,
                "paid": 0,
                "unpaid": 0,
                "items": 0,
                "refunds": 0,
                "seconds": [],
            }
        return rows[group_id]

    paid = (Order.payment_status == PaymentStatus.PAID).label("paid")
    for group_id, is_paid, count, amount in db.session.execute(
        select(Order.group_id, paid, func.count(), func.sum(Order.subtotal))
        .where(*counted)
        .group_by(Order.group_id, paid)
    ):
        target = row(group_id)
        target["orders"] += count
        target["paid" if is_paid else "unpaid"] += int(amount or 0)
    for group_id, seconds in db.session.execute(
        select(Order.group_id, seconds_to_confirm()).where(
            *counted, Order.confirmed_at.is_not(None)
        )
    ):
        row(group_id)["seconds"].append(int(seconds))
    for name, column, table, where in (
        ("items", OrderLine.quantity, OrderLine, counted),
        ("refunds", Refund.amount, Refund, in_month),
    ):
        for group_id, value in db.session.execute(
            select(Order.group_id, func.sum(column))
            .join(table, table.order_id == Order.id)
            .where(*where)
            .group_by(Order.group_id)
        ):
            row(group_id)[name] += int(value or 0)
    return {group_id: _stored(values) for group_id, values in rows.items()}


def _stored(values: dict) -> dict:
    """A counted row as the table keeps it."""
    seconds = values.pop("seconds")
    histogram = [0] * len(CONFIRM_BUCKETS)
    for value in seconds:
        histogram[bucket_of(value)] += 1
    buckets = dict(zip(BUCKET_COLUMNS, histogram, strict=True))
    return {**values, "confirm_seconds": pack(seconds), **buckets}


def stored_month(month: date, group_ids=None) -> dict[int, dict]:
    """The rows the table holds for `month` (of `group_ids` when given)."""
    stmt = select(month_figures).where(month_figures.c.month == month)
    if group_ids is not None:
        stmt = stmt.where(month_figures.c.group_id.in_(sorted(group_ids)))
    return {row.group_id: dict(row._mapping) for row in db.session.execute(stmt)}


def _write(month: date, rows: dict[int, dict], group_ids=None) -> None:
    clear = delete(month_figures).where(month_figures.c.month == month)
    if group_ids is not None:
        clear = clear.where(month_figures.c.group_id.in_(sorted(group_ids)))
    db.session.execute(clear)
    if rows:
        db.session.execute(insert(month_figures), list(rows.values()))
    connection = db.session.connection()
    keys = None if group_ids is None else cells.keys_of(connection, group_ids)
    cells.recount(connection, month, keys)


def _added(stored: dict | None, counted: dict) -> dict:
    """A group's row with the orders of `counted` (a later window) added."""
    if stored is None:
        return counted
    row = dict(stored)
    for name in (*FIGURE_COLUMNS, *BUCKET_COLUMNS):
        row[name] += counted[name]
    values = chain(unpack(stored["confirm_seconds"]), unpack(counted["confirm_seconds"]))
    row["confirm_seconds"] = pack(values)
    return row


def _built() -> dict[date, datetime]:
    rows = db.session.execute(select(built_months.c.month, built_months.c.through))
    return dict(rows.all())


def _set_built(month: date, through: datetime) -> None:
    db.session.execute(delete(built_months).where(built_months.c.month == month))
    db.session.execute(insert(built_months).values(month=month, built_at=utcnow(), through=through))


def _marks(months=None) -> list[tuple[int, date, int]]:
    stmt = select(dirty_months.c.group_id, dirty_months.c.month, dirty_months.c.version)
    if months is not None:
        stmt = stmt.where(dirty_months.c.month.in_(months))
    return [tuple(row) for row in db.session.execute(stmt)]


def _unmark(marks) -> None:
    """Remove the marks read before counting, unless changed since."""
    for group_id, month, version in marks:
        db.session.execute(
            delete(dirty_months).where(
                dirty_months.c.group_id == group_id,
                dirty_months.c.month == month,
                dirty_months.c.version == version,
            )
        )


def build_month(month: date, through: datetime, write: bool = True) -> list[tuple[int, date]]:
    """Count every group's row of `month` again, through `through`, and
    (unless `write` is False) write them and their cells and list the month
    as built; returns the (group, month) whose stored row differed.
    Flushes, never commits."""
    cells.lock(db.session.connection())
    marks = _marks([month])
    counted = count_month(month, until=through)
    stored = stored_month(month)
    differed = [
        (group_id, month)
        for group_id in sorted(set(counted) | set(stored))
        if counted.get(group_id) != stored.get(group_id)
    ]
    if write:
        _write(month, counted)
        _set_built(month, through)
        _unmark(marks)
    return differed


def advance(month: date, through: datetime, to: datetime) -> None:
    """Bring a built month from `through` forward to `to`: the orders created
    in between are added to their groups' rows (a group-month marked
    meanwhile stays marked: the page reads it from the orders until it is
    refreshed). Flushes, never commits."""
    cells.lock(db.session.connection())
    counted = count_month(month, until=to, since=through)
    if counted:
        stored = stored_month(month, counted)
        rows = {gid: _added(stored.get(gid), row) for gid, row in counted.items()}
        _write(month, rows, counted)
    _set_built(month, to)


def first_month() -> date | None:
    first = db.session.scalar(select(func.min(Order.created_at)))
    return current_month(first) if first is not None else None


def months_to_build(now: datetime | None = None) -> list[tuple[date, datetime]]:
    """Every month from the first order's to the current one that can be
    rolled up, with how far (`target_through`)."""
    now = now or utcnow()
    month, last = first_month(), current_month(now)
    months = []
    while month is not None and month <= last:
        through = target_through(month, now)
        if through is not None:
            months.append((month, through))
        month = next_month(month)
    return months


def ended_months(now: datetime | None = None) -> list[date]:
    """Every month from the first order's to the last one ended SETTLE ago."""
    now = now or utcnow()
    last = month_of(current_month(now - SETTLE) - timedelta(days=1))
    month = first_month()
    months = []
    while month is not None and month <= last:
        months.append(month)
        month = next_month(month)
    return months


def refresh_dirty() -> int:
    """Count the marked group-months of built months again and clear their
    marks (marks of months not built are only cleared: those months are
    counted whole when built). Commits; returns how many were refreshed.
    Safe to run twice or beside another."""
    if not _marks():
        db.session.rollback()
        return 0
    cells.lock(db.session.connection())
    marks = _marks()
    built = _built()
    groups_by_month: dict[date, set[int]] = defaultdict(set)
    for group_id, month, _version in marks:
        if month in built:
            groups_by_month[month].add(group_id)
    for month, group_ids in sorted(groups_by_month.items()):
        _write(month, count_month(month, group_ids, until=built[month]), group_ids)
    _unmark(marks)
    db.session.commit()
    return sum(len(groups) for groups in groups_by_month.values())


def keep_up(now: datetime | None = None) -> list[date]:
    """The periodic task: build the months not built yet, bring the others
    forward (the current one, one that ended less than SETTLE ago), then
    refresh the marked group-months. Commits after each month; returns the
    months built whole."""
    built = _built()
    made = []
    for month, through in months_to_build(now):
        if month not in built:
            build_month(month, through)
            made.append(month)
        elif built[month] < through:
            advance(month, built[month], through)
        else:
            continue
        db.session.commit()
    refresh_dirty()
    return made


def rebuild(write: bool = True) -> list[tuple[int, date]]:
    """Count every month again from the orders (a built one through its
    `through`) and its cells from its rows; returns the (group, month)
    whose stored row differed (or was missing or extra), and (0, month) for
    a month whose cells differed. Writes and commits each month unless
    `write` is False."""
    built = _built()
    connection = db.session.connection()
    differed = []
    for month, through in months_to_build():
        through = built.get(month, through)
        differed.extend(build_month(month, through, write))
        if not write and cells.counted_cells(connection, month) != cells.stored_cells(
            connection, month
        ):
            differed.append((0, month))
        if write:
            db.session.commit()
    stale = select(built_months.c.month).where(built_months.c.month > current_month())
    if write and db.session.scalars(stale).first():
        db.session.execute(delete(built_months).where(built_months.c.month.in_(stale)))
        db.session.commit()
    return differed


# Marking changes


def _order_of(session: Session, thing) -> Order | None:
    if isinstance(thing, Order):
        return thing
    order = inspect(thing).attrs.order.loaded_value
    if order is NO_VALUE or order is None:
        with session.no_autoflush:
            order = session.get(Order, thing.order_id) if thing.order_id else None
    return order


def _changed(thing) -> bool:
    state = inspect(thing)
    if isinstance(thing, Order):
        return any(state.attrs[name].history.has_changes() for name in ORDER_FIELDS)
    fields = ("quantity", "order_id") if isinstance(thing, OrderLine) else ("amount", "order_id")
    return any(state.attrs[name].history.has_changes() for name in fields)


def _pairs_of(order: Order, rolled_before: datetime) -> set[tuple[int, date]]:
    """The (group, month) the order falls in, and the one it fell in before
    a change of its group or date, when placed before `rolled_before`."""
    state = inspect(order)
    groups = {order.group_id, *state.attrs.group_id.history.deleted}
    times = {order.created_at, *state.attrs.created_at.history.deleted}
    return {
        (group_id, current_month(created))
        for group_id in groups
        for created in times
        if group_id is not None and created is not None and created < rolled_before
    }


def changed_months(session: Session) -> set[tuple[int, date]]:
    """The (group, month) whose figures the flush changes, of orders placed
    at least MARK_AGE ago (those a rollup may hold)."""
    rolled_before = utcnow() - MARK_AGE
    pairs: set[tuple[int, date]] = set()
    for thing in chain(session.new, session.dirty, session.deleted):
        if not isinstance(thing, Order | OrderLine | Refund):
            continue
        is_new = thing in session.new or thing in session.deleted
        if not is_new and not _changed(thing):
            continue
        if isinstance(thing, Order) and thing in session.new:
            # Placing: created now. Nothing to load.
            created = thing.created_at
            if created is None or created >= rolled_before:
                continue
        order = _order_of(session, thing)
        if order is not None:
            pairs |= _pairs_of(order, rolled_before)
    return pairs


def mark_changed_months(session: Session, _flush_context) -> None:
    """after_flush: mark the changed group-months of past months, in the
    flush's own transaction, and refresh them after the commit."""
    pairs = changed_months(session)
    if not pairs:
        return
    rows = []
    for group_id, month in sorted(pairs):
        starts, ends = month_bounds(month)
        rows.append(
            {
                "group_id": group_id,
                "month": month,
                "starts_at": starts,
                "ends_at": ends,
                "version": 1,
            }
        )
    connection = session.connection()
    upsert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    stmt = upsert(dirty_months).values(rows)
    connection.execute(
        stmt.on_conflict_do_update(
            index_elements=[dirty_months.c.group_id, dirty_months.c.month],
            set_={"version": dirty_months.c.version + 1},
        )
    )
    enqueue_after_commit(REFRESH_JOB)


def install() -> None:
    """Listen on every Session; calling it again adds nothing."""
    if not event.contains(Session, "after_flush", mark_changed_months):
        event.listen(Session, "after_flush", mark_changed_months)
    cells.install()


def describe(differed: list[tuple[int, date]]) -> str:
    return ", ".join(
        f"group {group_id} {month:%Y-%m}" if group_id else f"the sums of {month:%Y-%m}"
        for group_id, month in differed[:20]
    )
