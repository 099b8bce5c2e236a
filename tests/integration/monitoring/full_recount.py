"""The monitoring figures as they were counted before the rollups: every
figure from the orders themselves (shop/monitoring/queries.py at commit
2f4abac, its order functions copied unchanged but for the names they import),
kept as the reference the rollup-based figures must equal. The active
groups and products are counted from the products as queries.py did at
commit b0f038c (before `shop.monitoring.active`)."""

from __future__ import annotations

from collections import defaultdict
from itertools import chain
from statistics import median

from flask_babel import gettext as _
from sqlalchemy import Integer, cast, func, select, tuple_

from shop.catalogue.models import Product
from shop.catalogue.queries import publicly_visible
from shop.coordinators.scope import Scope
from shop.core.text import fold
from shop.extensions import db
from shop.groups.models import Group
from shop.monitoring.filters import (
    Filters,
    group_clause,
    group_key,
    month_starts,
    order_key,
    placed_orders,
)
from shop.monitoring.queries import (
    Figures,
    Monitoring,
    _consignment,
    _keys_and_labels,
)
from shop.orders.models import Order, OrderLine, PaymentStatus
from shop.payments.models import Refund


def _postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _seconds_to_confirm():
    """Whole seconds from placing to confirming (NULL if never confirmed)."""
    if _postgresql():
        return func.round(func.extract("epoch", Order.confirmed_at - Order.created_at))
    days = func.julianday(Order.confirmed_at) - func.julianday(Order.created_at)
    return cast(func.round(days * 86400), Integer)


def _postgresql_medians(scope: Scope, filters: Filters) -> dict[object, float]:
    """The median seconds to confirm per key and over everything (key None):
    percentile_cont over grouping sets, one scan."""
    rows = (
        placed_orders(
            scope,
            filters,
            order_key(filters).label("key"),
            _seconds_to_confirm().label("seconds"),
        )
        .where(Order.confirmed_at.is_not(None))
        .subquery()
    )
    middle = func.percentile_cont(0.5).within_group(rows.c.seconds)
    stmt = select(rows.c.key, middle).group_by(func.grouping_sets(tuple_(rows.c.key), tuple_()))
    # The empty grouping set gives its row (NULL) even when nothing matches.
    return {key: float(value) for key, value in db.session.execute(stmt) if value is not None}


def _medians_of(seconds: dict[object, list[int]]) -> dict[object, float]:
    """The same definition as percentile_cont(0.5): the middle value, or the
    mean of the two middle ones; per key and over everything (key None)."""
    medians = {key: float(median(values)) for key, values in seconds.items() if values}
    everything = list(chain.from_iterable(seconds.values()))
    if everything:
        medians[None] = float(median(everything))
    return medians


def monitoring(scope: Scope, filters: Filters) -> Monitoring:
    """The figures of the groups in `scope` matching `filters`, a row per key
    and the totals; at most seven statements whatever the numbers of groups,
    orders and visits."""
    months = month_starts(filters)
    rows = _keys_and_labels(scope, filters, months)
    by_key = {row.key: row for row in rows}
    total = Figures(key=None, label=_("Total"))
    seconds = _add_orders(scope, filters, by_key, total)
    _add_items_and_refunds(scope, filters, by_key, total)
    for k, value, units, received in _consignment(scope, filters):
        for target in (by_key[k], total):
            target.consigned += int(value or 0)
            target.consigned_units += int(units or 0)
            target.received += int(received or 0)
    medians = _postgresql_medians(scope, filters) if _postgresql() else _medians_of(seconds)
    for k, value in medians.items():
        (total if k is None else by_key[k]).median_seconds = value
    _add_active(scope, filters, rows, total)
    if filters.by != "month":
        rows.sort(key=lambda row: (-row.total_sales, -row.orders, fold(row.label)))
    return Monitoring(filters=filters, rows=rows, total=total, months=months[:-1])


def _add_orders(
    scope: Scope, filters: Filters, by_key: dict[object, Figures], total: Figures
) -> dict[object, list[int]]:
    """Orders and revenue, paid and not, per key. SQLite has no percentile
    function: there the confirm times of each group of rows come along as one
    comma-separated text (group_concat skips the NULLs of unconfirmed orders)
    and are returned per key, for the medians to be taken in Python, in the
    same scan."""
    sqlite = not _postgresql()
    key = order_key(filters).label("key")
    paid = (Order.payment_status == PaymentStatus.PAID).label("paid")
    columns = [key, paid, Order.subtotal]
    if sqlite:
        columns.append(_seconds_to_confirm().label("seconds"))
    orders = placed_orders(scope, filters, *columns).subquery()
    figures = [orders.c.key, orders.c.paid, func.count(), func.sum(orders.c.subtotal)]
    if sqlite:
        figures.append(func.group_concat(orders.c.seconds))
    seconds: dict[object, list[int]] = defaultdict(list)
    for k, is_paid, count, amount, *times in db.session.execute(
        select(*figures).group_by(orders.c.key, orders.c.paid)
    ):
        for target in (by_key[k], total):
            target.orders += count
            if is_paid:
                target.paid += int(amount or 0)
            else:
                target.unpaid += int(amount or 0)
        if times and times[0]:
            seconds[k].extend(map(int, times[0].split(",")))
    return seconds


def _add_items_and_refunds(
    scope: Scope, filters: Filters, by_key: dict[object, Figures], total: Figures
) -> None:
    """Items sold (lines of the counted orders) and refunds (of any order)."""
    for name, column, table, sales in (
        ("items", OrderLine.quantity, OrderLine, True),
        ("refunds", Refund.amount, Refund, False),
    ):
        joined = (
            placed_orders(scope, filters, order_key(filters).label("key"), column, sales=sales)
            .join(table, table.order_id == Order.id)
            .subquery()
        )
        summed = select(joined.c.key, func.sum(joined.c[column.key])).group_by(joined.c.key)
        for k, value in db.session.execute(summed):
            for target in (by_key[k], total):
                setattr(target, name, getattr(target, name) + int(value or 0))


def _add_active(scope: Scope, filters: Filters, rows: list[Figures], total: Figures) -> None:
    """Active groups and products: today's public catalogue, not the range's
    (so a month's row has none)."""
    active = (
        select(func.count(func.distinct(Group.id)), func.count(Product.id))
        .select_from(Product)
        .join(Group, Group.id == Product.group_id)
        .where(group_clause(scope, filters), publicly_visible())
    )
    if filters.by == "month":
        total.active_groups, total.active_products = db.session.execute(active).one()
        for row in rows:
            row.active_groups = row.active_products = None
        return
    by_key = {row.key: row for row in rows}
    key = group_key(filters.by)
    for groups, products, k in db.session.execute(active.add_columns(key).group_by(key)):
        by_key[k].active_groups, by_key[k].active_products = groups, products
        total.active_groups += groups
        total.active_products += products
