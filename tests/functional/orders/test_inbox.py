"""The group's order inbox: order of the list, status filter, nav badge, query count."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from shop.orders.models import OrderStatus, PaymentStatus


def _numbers(html: str) -> list[str]:
    return re.findall(r"<strong>(ET-T\d+)</strong>", html)


def test_new_first_then_open_by_age_then_closed(client, group, order_factory):
    now = datetime.now(UTC)
    old_open = order_factory(
        group, status=OrderStatus.CONFIRMED, created_at=now - timedelta(days=3)
    )
    closed = order_factory(
        group,
        status=OrderStatus.COMPLETED,
        payment_status=PaymentStatus.PAID,
        created_at=now - timedelta(days=9),
        closed_at=now - timedelta(days=1),
    )
    new_recent = order_factory(group, created_at=now - timedelta(hours=1))
    new_older = order_factory(group, created_at=now - timedelta(hours=5))
    young_open = order_factory(group, status=OrderStatus.PACKED, created_at=now - timedelta(days=1))
    older_closed = order_factory(
        group,
        status=OrderStatus.CANCELLED,
        created_at=now - timedelta(days=9),
        closed_at=now - timedelta(days=5),
    )

    page = client.get(f"/kelola/{group.slug}/pesanan")

    assert page.status_code == 200
    assert _numbers(page.get_data(as_text=True)) == [
        new_older.number,
        new_recent.number,
        old_open.number,
        young_open.number,
        closed.number,
        older_closed.number,
    ]


def test_status_filter(client, group, order_factory):
    new = order_factory(group)
    shipped = order_factory(group, status=OrderStatus.SHIPPED)

    html = client.get(f"/kelola/{group.slug}/pesanan?status=shipped").get_data(as_text=True)
    assert _numbers(html) == [shipped.number]
    assert 'aria-current="page">Shipped (1)' in html

    html = client.get(f"/kelola/{group.slug}/pesanan?status=placed").get_data(as_text=True)
    assert _numbers(html) == [new.number]

    html = client.get(f"/kelola/{group.slug}/pesanan?status=nonsense").get_data(as_text=True)
    assert len(_numbers(html)) == 2
    # Statuses without orders get no chip, except "New" and the one being shown.
    assert "Ready for pickup (0)" not in html
    assert "New (1)" in html
    html = client.get(f"/kelola/{group.slug}/pesanan?status=ready").get_data(as_text=True)
    assert 'aria-current="page">Ready for pickup (0)' in html
    assert "No orders with this status." in html


def test_pages_of_twenty(client, group, order_factory):
    for _ in range(23):
        order_factory(group)
    first = client.get(f"/kelola/{group.slug}/pesanan").get_data(as_text=True)
    second = client.get(f"/kelola/{group.slug}/pesanan?page=2").get_data(as_text=True)
    assert len(_numbers(first)) == 20
    assert len(_numbers(second)) == 3
    assert not set(_numbers(first)) & set(_numbers(second))


def test_other_groups_orders_are_not_listed(client, group, other_group, order_factory):
    mine = order_factory(group)
    theirs = order_factory(other_group)
    html = client.get(f"/kelola/{group.slug}/pesanan").get_data(as_text=True)
    assert _numbers(html) == [mine.number]
    assert theirs.number not in html


def test_non_member_gets_404(client, group, other_group):
    assert client.get(f"/kelola/{other_group.slug}/pesanan").status_code == 404
    assert client.get(f"/kelola/{other_group.slug}/pesanan.csv").status_code == 404
    assert client.get(f"/kelola/{other_group.slug}/penjualan").status_code == 404


def test_nav_badge_counts_new_orders(client, group, order_factory):
    order_factory(group)
    order_factory(group)
    order_factory(group, status=OrderStatus.CONFIRMED)
    html = client.get(f"/kelola/{group.slug}/produk/baru").get_data(as_text=True)
    nav = html[html.index('class="manage-nav"') : html.index("</nav>", html.index("manage-nav"))]
    assert f'href="/kelola/{group.slug}/pesanan"' in nav
    assert re.search(r'class="nav-count"[^>]*>\s*2\s*<', nav), nav


def test_query_count_does_not_grow_with_orders(client, group, order_factory, count_queries):
    def statements() -> int:
        with count_queries() as counter:
            assert client.get(f"/kelola/{group.slug}/pesanan").status_code == 200
        return counter.count

    order_factory(group, lines=[("Abon", 1000, 1), ("Kerupuk", 2000, 2)])
    few = statements()
    for i in range(19):
        order_factory(
            group,
            status=[OrderStatus.PLACED, OrderStatus.CONFIRMED, OrderStatus.COMPLETED][i % 3],
            lines=[("Abon", 1000, 1), ("Kerupuk", 2000, 2), ("Keripik", 500, 3)],
        )
    many = statements()
    assert many == few
    # user, membership, the person's groups (nav), nav badge, counts per status, page,
    # lines (+1 here: the test's own session reloads the group it had expired)
    assert many <= 8


def test_export_and_sales_statements_do_not_grow(client, group, order_factory, count_queries):
    def statements(path: str) -> int:
        with count_queries() as counter:
            assert client.get(f"/kelola/{group.slug}/{path}").status_code == 200
        return counter.count

    order_factory(group, province_code="15", regency_code="15.05")
    few = (statements("pesanan.csv"), statements("penjualan"))
    for _ in range(12):
        order_factory(group, province_code="15", lines=[("Abon", 1000, 1), ("Kerupuk", 500, 2)])
    assert (statements("pesanan.csv"), statements("penjualan")) == few
    # export: user, membership, orders with region names, lines;
    # sales: user, membership, nav groups, nav badge, orders per month, lines per month,
    # consignment visits per month, best sellers of the year over both channels
    # (+1 here: the test's own session reloads the group it had expired)
    assert few[0] <= 5 and few[1] <= 9
