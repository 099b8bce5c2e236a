"""Sales per Jakarta month: paid and unpaid apart, cancelled and expired left out,
consignment (titip jual) as a channel of its own by visit day; the page draws
the same numbers as an SVG chart and a table."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from shop.catalogue.models import ProductStatus
from shop.consignment import services as consignment
from shop.consignment.services import Count, Item
from shop.core.charts import ChartItem, nice_step, row_chart
from shop.extensions import db
from shop.orders.models import OrderStatus, PaymentStatus
from shop.sales.figures import BestSeller, MonthSales, best_sellers, monthly_sales, revenue_chart
from tests.factories import OutletFactory, ProductFactory, VariantFactory

PAID = PaymentStatus.PAID


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def known_orders(group, other_group, order_factory):
    # 20:00 UTC on 31 October is 03:00 on 1 November in Jakarta.
    order_factory(
        group, created_at=at(2026, 10, 31, 20), payment_status=PAID, lines=[("Abon", 25000, 2)]
    )
    order_factory(group, created_at=at(2026, 11, 10), lines=[("Kerupuk", 10000, 3)])
    order_factory(
        group,
        created_at=at(2026, 11, 12),
        status=OrderStatus.CANCELLED,
        lines=[("Abon", 99999, 1)],
    )
    order_factory(
        group, created_at=at(2026, 11, 13), status=OrderStatus.EXPIRED, lines=[("Abon", 7, 1)]
    )
    # 16:00 UTC on 31 October is still October in Jakarta (23:00).
    order_factory(
        group,
        created_at=at(2026, 10, 31, 16),
        status=OrderStatus.COMPLETED,
        payment_status=PAID,
        lines=[("Keripik", 10000, 2)],
    )
    # 30 November 2025, 17:30 UTC is 1 December in Jakarta: the oldest month shown.
    order_factory(group, created_at=at(2025, 11, 30, 17, 30), lines=[("Abon", 5000, 1)])
    order_factory(group, created_at=at(2025, 11, 30, 16, 0), lines=[("Abon", 1000, 1)])
    order_factory(other_group, created_at=at(2026, 11, 2), lines=[("Abon", 1000, 9)])


def test_monthly_sales_in_jakarta_months(app_ctx, group, known_orders):
    months = monthly_sales(group, at(2026, 11, 15))

    assert [m.start for m in months][:2] == [date(2025, 12, 1), date(2026, 1, 1)]
    assert months[-1].start == date(2026, 11, 1)
    assert len(months) == 12
    november, october, december = months[-1], months[-2], months[0]
    assert (november.orders, november.paid, november.unpaid) == (2, 50000, 30000)
    assert november.best_sellers == [BestSeller("Kerupuk", 3, 30000), BestSeller("Abon", 2, 50000)]
    assert (october.orders, october.paid, october.unpaid) == (1, 20000, 0)
    assert (december.orders, december.unpaid) == (1, 5000)
    assert sum(m.orders for m in months) == 4
    assert all(m.orders == 0 for m in months[1:-2])


TODAY = date(2026, 11, 15)


def consign(group, left_on, goods):
    """Goods (name, agreed price, quantity) left at a new outlet; the lines."""
    outlet = OutletFactory(group=group)
    items = []
    for name, price, quantity in goods:
        product = ProductFactory(group=group, name=name, status=ProductStatus.DRAFT)
        variant = VariantFactory(product=product, price=price, stock=quantity + 5)
        items.append(Item(variant.id, quantity, price))
    note = consignment.leave_goods(group, outlet, left_on, items, today=TODAY)
    return outlet, note.lines


def visit(group, outlet, day, *counts, money=0):
    return consignment.record_visit(group, outlet, day, list(counts), money, today=TODAY)


@pytest.fixture
def known_consignment(group, other_group, known_orders):
    """October: 3 Abon at 20000 (money 50000). November: 2 Abon and 4 Kerupuk
    at 8000 = 72000, one Abon back in stock (money 30000). An undone visit,
    one before the range and another group's visit count nowhere."""
    outlet, (abon, kerupuk) = consign(
        group, date(2026, 10, 20), [("Abon", 20000, 10), ("Kerupuk", 8000, 5)]
    )
    visit(group, outlet, date(2026, 10, 31), Count(abon.id, sold=3), money=50000)
    visit(group, outlet, date(2026, 11, 1), Count(abon.id, sold=2, restocked=1),
          Count(kerupuk.id, sold=4), money=30000)  # fmt: skip
    consignment.undo_visit(visit(group, outlet, date(2026, 11, 5), Count(abon.id, sold=4)))

    old_outlet, (old,) = consign(group, date(2025, 11, 20), [("Abon", 1000, 3)])
    visit(group, old_outlet, date(2025, 11, 30), Count(old.id, sold=3), money=3000)
    elsewhere, (theirs,) = consign(other_group, date(2026, 11, 1), [("Abon", 1000, 3)])
    visit(other_group, elsewhere, date(2026, 11, 2), Count(theirs.id, sold=3))
    db.session.flush()


def test_consignment_sales_are_their_own_channel(app_ctx, group, known_consignment):
    months = monthly_sales(group, at(2026, 11, 15))
    november, october = months[-1], months[-2]

    assert (november.consigned, november.consigned_units, november.received) == (72000, 6, 30000)
    assert (october.consigned, october.consigned_units, october.received) == (60000, 3, 50000)
    # The online figures stay what they were.
    assert (november.orders, november.paid, november.unpaid) == (2, 50000, 30000)
    assert november.revenue == 80000 and november.total_sales == 152000
    assert all(m.consigned == m.received == 0 for m in months[:-2])
    # Best sellers add both channels: Kerupuk 3 online + 4 consigned.
    assert november.best_sellers == [
        BestSeller("Kerupuk", 7, 62000, 4),
        BestSeller("Abon", 4, 90000, 2),
    ]
    assert october.best_sellers == [
        BestSeller("Abon", 3, 60000, 3),
        BestSeller("Keripik", 2, 20000, 0),
    ]
    totals = MonthSales.summed(months)
    assert (totals.consigned, totals.consigned_units, totals.received) == (132000, 9, 80000)
    assert totals.total_sales == totals.revenue + 132000
    overall = best_sellers(group, at(2026, 11, 15))
    # Abon: 2 + 1 online (1 December in Jakarta is the oldest day) and 5 consigned.
    assert overall[0] == BestSeller("Abon", 8, 155000, 5)
    assert overall[1] == BestSeller("Kerupuk", 7, 62000, 4)


def test_the_month_changes_at_jakarta_midnight(app_ctx, group, known_orders):
    # 31 October 18:00 UTC is already 1 November in Jakarta: November is the last month.
    assert monthly_sales(group, at(2026, 10, 31, 18))[-1].start == date(2026, 11, 1)
    assert monthly_sales(group, at(2026, 10, 31, 16))[-1].start == date(2026, 10, 1)


def test_nice_step():
    assert [nice_step(n) for n in (0, 4, 90, 1000, 30000, 80000, 1_234_567)] == [
        1,
        1,
        25,
        250,
        10000,
        20000,
        500000,
    ]


def test_row_chart_ticks_leave_room_for_their_labels(app_ctx):
    items = [ChartItem("UPPKA", "UPPKA", (("chart-paid", 816_000),))]
    ticks = row_chart(items).ticks
    # "Rp500 rb" and "Rp1 jt" side by side at 360 units wide: at least 70 apart.
    gaps = [b.x - a.x for a, b in zip(ticks, ticks[1:], strict=False)]
    assert len(ticks) >= 2 and min(gaps) >= 70
    assert ticks[-1].x >= row_chart(items).rows[0].segments[0].width + ticks[0].x


def test_chart_geometry_is_proportional(app_ctx):
    months = [MonthSales(date(2026, m, 1), 1, paid=m * 1000, unpaid=1000) for m in range(1, 13)]
    chart = revenue_chart(months)
    heights = [sum(s.height for s in bar.segments) for bar in chart.bars]
    assert heights[-1] / heights[0] == pytest.approx(13 / 2, rel=0.01)
    assert chart.ticks[0].y > chart.ticks[-1].y >= 0
    assert max(bar.segments[-1].y for bar in chart.bars) <= chart.ticks[0].y
    assert all(bar.x + bar.width <= chart.right for bar in chart.bars)


def test_sales_page_draws_and_tabulates_the_same_numbers(client, group, order_factory):
    order_factory(
        group, payment_status=PAID, status=OrderStatus.CONFIRMED, lines=[("Abon", 40000, 1)]
    )
    order_factory(group, lines=[("Abon", 10000, 1)])

    html = client.get(f"/kelola/{group.slug}/penjualan").get_data(as_text=True)

    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg
    assert '<title id="revenue-chart-title">Sales per month, last 12 months</title>' in svg
    assert 'aria-labelledby="revenue-chart-title revenue-chart-desc"' in svg
    paid = re.findall(r'class="chart-paid"[^>]*height="([\d.]+)"', svg)
    unpaid = re.findall(r'class="chart-unpaid"[^>]*height="([\d.]+)"', svg)
    assert len(paid) == len(unpaid) == 1
    assert float(paid[0]) / float(unpaid[0]) == pytest.approx(4, rel=0.01)

    table = html[html.index('<table class="sales-table"') : html.index("</tbody>")]
    rows = re.findall(r"<tr><th scope=\"row\"[^>]*>.*?</tr>", table)
    assert len(rows) == 12
    assert "<td>2</td>" in rows[0] and "Rp40,000" in rows[0] and "Rp10,000" in rows[0]
    assert "Abon" in html and "2 sold" in html


def test_no_sales_draw_no_bars(client, app_ctx, group):
    chart = revenue_chart([MonthSales(date(2026, m, 1)) for m in range(1, 13)])
    assert [tick.label for tick in chart.ticks] == ["Rp0"]
    assert all(not bar.segments for bar in chart.bars)

    html = client.get(f"/kelola/{group.slug}/penjualan").get_data(as_text=True)
    assert "<svg" not in html
    assert "Nothing sold in the last 12 months yet." in html


@pytest.fixture
def mid_november(clock):
    clock.move_to(at(2026, 11, 15))


def test_sales_page_shows_consignment_apart_and_together(
    mid_november, client, group, known_consignment, count_queries
):
    url = f"/kelola/{group.slug}/penjualan"
    client.get(url)
    with count_queries() as counter:
        html = client.get(url).get_data(as_text=True)

    svg = html[html.index("<svg") : html.index("</svg>")]
    consigned = re.findall(r'class="chart-consigned"[^>]*height="([\d.]+)"', svg)
    paid = re.findall(r'class="chart-paid"[^>]*height="([\d.]+)"', svg)
    assert len(consigned) == 2
    # November: 72000 consigned on 50000 paid.
    assert float(consigned[-1]) / float(paid[-1]) == pytest.approx(72000 / 50000, rel=0.01)
    assert "consignment Rp72,000" in svg
    assert 'chart-swatch chart-consigned"></span>Consignment' in html

    body = html[html.index("<tbody>") : html.index("</tbody>")]
    november = re.findall(r"<tr>.*?</tr>", body)[0]
    assert 'Rp72,000</td><td>6</td><td class="nowrap">Rp30,000' in november
    assert "Rp152,000" in november
    assert "9 units sold at outlets for Rp132,000; the outlets paid Rp80,000" in html
    assert "Kerupuk · 7 sold (4 through consignment)" in html
    statements = counter.count

    # More visits and outlets cost no statement more.
    for day in (3, 4):
        outlet, (line,) = consign(group, date(2026, 11, day), [(f"Dodol {day}", 5000, 4)])
        visit(group, outlet, date(2026, 11, day + 1), Count(line.id, sold=2), money=5000)
    db.session.flush()
    with count_queries() as counter:
        assert "Dodol 3" in client.get(url).get_data(as_text=True)
    assert counter.count == statements
