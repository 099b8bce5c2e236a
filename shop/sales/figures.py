"""A group's sales figures: orders, revenue and best sellers per month, and the
bars that draw them (the chart geometry is `shop.core.charts`; the orders' CSV
export is `shop.orders.export`).

Months are Jakarta months (WIB, UTC+7): an order placed at 20:00 UTC on
31 October is a 1 November order for the group. Month boundaries are computed
in Python (as UTC instants) and the rows are put in their month by a CASE in
SQL, inside a subquery the outer query groups by. That keeps the grouping in
the database and gives the same answer on SQLite and PostgreSQL without
date functions that differ between them.

What counts: an order belongs to the month it was placed in; cancelled and
expired orders are left out. Revenue is the value of the goods (the order's
subtotal); courier fees and transfer codes pass through to others and are not
counted. "Paid" means the group has marked the payment received.

Refunds are counted apart, never in the sales: the money that goes (or went)
back to buyers, by the month of the order it was paid for. A cancelled paid
order is left out of the sales like any cancelled order, and its refund shows
here; a second card payment for an order that sold is refunded here too.

Consignment (titip jual) is a channel of its own beside the online orders:
the units sold at the group's outlets, at the agreed price, in the month of
the visit that recorded them (`Visit.visited_on` is already a Jakarta day),
and the money the outlets paid at those visits (`shop.consignment.channel`).
Best sellers count both channels together — a product sells, wherever it
sold — and say how many of the units went through consignment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Select, case, func, literal, select, union_all

from shop.consignment import channel
from shop.consignment.models import ConsignmentLine, Visit, VisitLine
from shop.core.charts import BarChart, ChartItem, column_chart
from shop.core.clock import JAKARTA, midnight_utc
from shop.extensions import db
from shop.groups.models import Group
from shop.i18n.formatting import rupiah
from shop.orders.models import Order, OrderLine, OrderStatus, PaymentStatus
from shop.payments.models import Refund

MONTHS = 12
BEST_SELLERS_PER_MONTH = 3
NOT_SALES = (OrderStatus.CANCELLED, OrderStatus.EXPIRED)


@dataclass(frozen=True)
class BestSeller:
    name: str
    # Units and value over both channels; `consigned` of the units sold
    # through consignment.
    quantity: int
    amount: int
    consigned: int = 0

    @property
    def online(self) -> int:
        return self.quantity - self.consigned


@dataclass(kw_only=True)
class SalesFigures:
    """What both channels sold: online orders (paid and not yet paid) and
    consignment (value at the agreed prices, units, money the outlets paid).
    The group's months and the coordinators' rows are both made of it."""

    paid: int = 0
    unpaid: int = 0
    consigned: int = 0
    consigned_units: int = 0
    received: int = 0
    # Money that goes back to buyers (shop.payments.refunds): never a sale.
    refunds: int = 0

    @property
    def revenue(self) -> int:
        """Online orders only (paid and not yet paid)."""
        return self.paid + self.unpaid

    @property
    def total_sales(self) -> int:
        """Both channels: online orders and consignment sales."""
        return self.revenue + self.consigned


@dataclass
class MonthSales(SalesFigures):
    start: date
    orders: int = 0
    best_sellers: list[BestSeller] = field(default_factory=list)

    @classmethod
    def summed(cls, months: Sequence[MonthSales]) -> MonthSales:
        """The totals of `months` (dated by the first)."""
        return cls(
            start=months[0].start,
            orders=sum(m.orders for m in months),
            paid=sum(m.paid for m in months),
            unpaid=sum(m.unpaid for m in months),
            consigned=sum(m.consigned for m in months),
            consigned_units=sum(m.consigned_units for m in months),
            received=sum(m.received for m in months),
            refunds=sum(m.refunds for m in months),
        )


def month_starts(now: datetime, months: int = MONTHS) -> list[date]:
    """The first days of the last `months` Jakarta months, oldest first, and
    of the month after them (the end of the range)."""
    local = now.astimezone(JAKARTA)
    index = local.year * 12 + local.month - 1 - (months - 1)
    return [date((index + i) // 12, (index + i) % 12 + 1, 1) for i in range(months + 1)]


def _bucketed(group: Group, bounds: list[datetime], *columns, sales: bool = True) -> Select:
    """The group's sales in the range (with `sales=False`, all its orders),
    each row with its month number (0 = oldest)."""
    month = case(
        *((Order.created_at < bound, i) for i, bound in enumerate(bounds[1:-1])),
        else_=len(bounds) - 2,
    ).label("month")
    stmt = select(month, *columns).where(
        Order.group_id == group.id,
        Order.created_at >= bounds[0],
        Order.created_at < bounds[-1],
    )
    return stmt.where(Order.status.not_in(NOT_SALES)) if sales else stmt


def _product_rows(group: Group, starts: list[date], bounds: list[datetime]):
    """Both channels' sold lines in the range as one subquery: month, name,
    quantity, amount and consigned (the units sold through consignment)."""
    online = _bucketed(
        group,
        bounds,
        OrderLine.product_name.label("name"),
        OrderLine.quantity.label("quantity"),
        (OrderLine.unit_price * OrderLine.quantity).label("amount"),
        literal(0, Integer).label("consigned"),
    ).join(OrderLine, OrderLine.order_id == Order.id)
    consigned = channel.sold_lines(
        channel.month_key(starts).label("month"),
        ConsignmentLine.product_name.label("name"),
        VisitLine.sold.label("quantity"),
        channel.sold_value().label("amount"),
        VisitLine.sold.label("consigned"),
    ).where(*_visits_in(group, starts))
    return union_all(online, consigned).subquery()


def _visits_in(group: Group, starts: list[date]):
    return (
        Visit.group_id == group.id,
        Visit.visited_on >= starts[0],
        Visit.visited_on < starts[-1],
    )


def _best(rows) -> list:
    quantity = func.sum(rows.c.quantity)
    return [quantity, func.sum(rows.c.amount), func.sum(rows.c.consigned)]


def monthly_sales(group: Group, now: datetime, months: int = MONTHS) -> list[MonthSales]:
    """Orders, paid and unpaid revenue, consignment sales, refunds and the best
    sellers of each of the last `months` months, oldest first; three grouped
    queries."""
    starts = month_starts(now, months)
    bounds = [midnight_utc(day) for day in starts]
    result = [MonthSales(start=day) for day in starts[:-1]]
    _add_orders(result, group, bounds)
    _add_consignment(result, group, starts)
    _add_best_sellers(result, group, starts, bounds)
    return result


def _add_orders(result: list[MonthSales], group: Group, bounds: list[datetime]) -> None:
    """One scan of all the group's orders in the range: the sales among them
    (not cancelled or expired) and the refunds of any of them."""
    refunded = (
        select(Refund.order_id, func.sum(Refund.amount).label("amount"))
        .group_by(Refund.order_id)
        .subquery()
    )
    orders = (
        _bucketed(
            group,
            bounds,
            Order.status.not_in(NOT_SALES).label("sale"),
            (Order.payment_status == PaymentStatus.PAID).label("paid"),
            Order.subtotal,
            func.coalesce(refunded.c.amount, 0).label("refunded"),
            sales=False,
        )
        .outerjoin(refunded, refunded.c.order_id == Order.id)
        .subquery()
    )
    for month, sale, paid, count, amount, refunds in db.session.execute(
        select(
            orders.c.month,
            orders.c.sale,
            orders.c.paid,
            func.count(),
            func.sum(orders.c.subtotal),
            func.sum(orders.c.refunded),
        ).group_by(orders.c.month, orders.c.sale, orders.c.paid)
    ):
        entry = result[month]
        entry.refunds += int(refunds or 0)
        if not sale:
            continue
        entry.orders += count
        if paid:
            entry.paid += int(amount or 0)
        else:
            entry.unpaid += int(amount or 0)


def _add_consignment(result: list[MonthSales], group: Group, starts: list[date]) -> None:
    """Consignment sales, units and the money received, by the visit's month."""
    consigned = channel.channel_rows(channel.month_key(starts), *_visits_in(group, starts))
    for month, value, units, received in db.session.execute(
        select(
            consigned.c.key,
            func.sum(consigned.c.value),
            func.sum(consigned.c.units),
            func.sum(consigned.c.received),
        ).group_by(consigned.c.key)
    ):
        entry = result[month]
        entry.consigned, entry.consigned_units = int(value or 0), int(units or 0)
        entry.received = int(received or 0)


def _add_best_sellers(
    result: list[MonthSales], group: Group, starts: list[date], bounds: list[datetime]
) -> None:
    """The BEST_SELLERS_PER_MONTH products that sold most in each month, both
    channels together."""
    lines = _product_rows(group, starts, bounds)
    quantity, amount, via = _best(lines)
    for month, name, sold, value, consigned_units in db.session.execute(
        select(lines.c.month, lines.c.name, quantity, amount, via)
        .group_by(lines.c.month, lines.c.name)
        .order_by(lines.c.month, quantity.desc(), lines.c.name)
    ):
        best = result[month].best_sellers
        if len(best) < BEST_SELLERS_PER_MONTH:
            best.append(BestSeller(name, int(sold), int(value or 0), int(consigned_units or 0)))


def best_sellers(group: Group, now: datetime, months: int = MONTHS, limit: int = 5):
    """The group's products that sold most (by quantity, online and through
    consignment together) over the last `months` months, with what they
    brought in; one grouped query."""
    starts = month_starts(now, months)
    lines = _product_rows(group, starts, [midnight_utc(day) for day in starts])
    quantity, amount, via = _best(lines)
    stmt = (
        select(lines.c.name, quantity, amount, via)
        .group_by(lines.c.name)
        .order_by(quantity.desc(), lines.c.name)
        .limit(limit)
    )
    return [
        BestSeller(name, int(sold), int(value or 0), int(consigned or 0))
        for name, sold, value, consigned in db.session.execute(stmt)
    ]


def revenue_chart(months: Sequence[MonthSales], width: int = 360, height: int = 200) -> BarChart:
    """A bar per month: online revenue paid at the bottom, not yet paid on it
    and consignment sales on top, under a scale of round steps; the template
    only draws what this computes."""
    items = [
        sales_bar(format_date(month.start, "MMM"), format_date(month.start, "MMMM y"), month)
        for month in months
    ]
    return column_chart(items, width=width, height=height)


# The parts of a sales bar, from the axis outwards: (css class, legend label).
SALES_LEGEND = (
    ("chart-paid", _l("Online, paid")),
    ("chart-unpaid", _l("Online, not paid yet")),
    ("chart-consigned", _l("Consignment")),
)


def sales_bar(label: str, name: str, figures: SalesFigures) -> ChartItem:
    """One stacked bar of sales: online paid at the axis, online not yet paid
    on it, consignment on top; its title says all three."""
    return ChartItem(
        label=label,
        title=_(
            "%(name)s: online %(paid)s paid, %(unpaid)s not paid yet; consignment %(consigned)s",
            name=name,
            paid=rupiah(figures.paid),
            unpaid=rupiah(figures.unpaid),
            consigned=rupiah(figures.consigned),
        ),
        parts=tuple(
            zip(
                (css_class for css_class, _label in SALES_LEGEND),
                (figures.paid, figures.unpaid, figures.consigned),
                strict=True,
            )
        ),
    )
