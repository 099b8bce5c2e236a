"""Sales per Jakarta month: paid and unpaid apart, cancelled and expired left out;
the page draws the same numbers as an SVG chart and a table."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from shop.orders.models import OrderStatus, PaymentStatus
from shop.orders.sales import (
    BestSeller,
    ChartItem,
    MonthSales,
    monthly_sales,
    nice_step,
    revenue_chart,
    row_chart,
)

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
    assert '<title id="revenue-chart-title">Revenue per month, last 12 months</title>' in svg
    assert 'aria-labelledby="revenue-chart-title revenue-chart-desc"' in svg
    paid = re.findall(r'class="chart-paid"[^>]*height="([\d.]+)"', svg)
    unpaid = re.findall(r'class="chart-unpaid"[^>]*height="([\d.]+)"', svg)
    assert len(paid) == len(unpaid) == 1
    assert float(paid[0]) / float(unpaid[0]) == pytest.approx(4, rel=0.01)

    table = html[html.index('<table class="sales-table"') : html.index("</table>")]
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
