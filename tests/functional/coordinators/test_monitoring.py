"""The monitoring page: only coordinators, only their scope, the same numbers
in the charts and the table, bounded statements, and no error for bad filters."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from shop.catalogue.models import ProductStatus
from shop.consignment import services as consignment
from shop.consignment.services import Count, Item
from shop.core.clock import jakarta_today
from shop.extensions import db
from shop.groups.models import Programme
from shop.monitoring import rollups
from shop.monitoring.models import built_months, dirty_months
from shop.orders.models import OrderStatus, PaymentStatus
from tests.factories import (
    GroupFactory,
    OutletFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
    make_order,
)

PAID = PaymentStatus.PAID


def recently(days: int = 3) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


@pytest.fixture
def sales(group_in_scope, group_out_of_scope):
    make_order(
        group_in_scope,
        created_at=recently(),
        confirmed_at=recently() + timedelta(hours=2),
        status=OrderStatus.CONFIRMED,
        payment_status=PAID,
        lines=[("Abon", 25000, 2)],
    )
    make_order(group_in_scope, created_at=recently(), lines=[("Kerupuk", 10000, 3)])
    make_order(
        group_in_scope,
        created_at=recently(),
        status=OrderStatus.CANCELLED,
        lines=[("Abon", 999000, 1)],
    )
    make_order(group_out_of_scope, created_at=recently(), lines=[("Dodol", 777000, 1)])
    ProductFactory(group=group_in_scope)
    ProductFactory(group=group_out_of_scope)


def consign_recently(group, price: int, quantity: int, sold: int, money: int, days: int = 3):
    """Goods left at a new outlet a week ago; `sold` of them sold at a visit
    `days` days ago (Jakarta days), which brought `money`."""
    outlet = OutletFactory(
        group=group,
        province_code=group.province_code,
        regency_code=group.regency_code,
        district_code=None,
    )
    product = ProductFactory(group=group, name="Abon titip", status=ProductStatus.DRAFT)
    variant = VariantFactory(product=product, price=price, stock=None)
    today = jakarta_today()
    (line,) = consignment.leave_goods(
        group, outlet, today - timedelta(days=7), [Item(variant.id, quantity, price)]
    ).lines
    consignment.record_visit(
        group, outlet, today - timedelta(days=days), [Count(line.id, sold=sold)], money
    )
    db.session.flush()


@pytest.fixture
def consigned(group_in_scope, group_out_of_scope):
    """In scope: 4 units at Rp20,000 sold at an outlet, Rp50,000 paid."""
    consign_recently(group_in_scope, 20000, 10, 4, 50000)
    consign_recently(group_out_of_scope, 333000, 2, 1, 0)


def page(client, **args):
    response = client.get("/koordinator/monev", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def as_english_coordinator(client, as_coordinator):
    """Log in as the coordinator, reading in English (the source strings)."""

    def login(coordinator):
        as_coordinator(coordinator)
        client.get("/bahasa/en")

    return login


def test_only_coordinators(client, login_as):
    assert client.get("/koordinator/monev").status_code == 302
    login_as(UserFactory())
    assert client.get("/koordinator/monev").status_code == 404
    assert client.get("/koordinator/monev.csv").status_code == 404
    assert client.get("/koordinator/monev.xlsx").status_code == 404


def test_scope_figures_in_tiles_table_and_charts(
    client,
    as_english_coordinator,
    jambi_uppka,
    sales,
    consigned,
    group_in_scope,
    group_out_of_scope,
):
    as_english_coordinator(jambi_uppka)
    html = page(client, per="group")

    assert group_in_scope.name in html
    assert group_out_of_scope.name not in html
    assert "Rp777,000" not in html and "Rp999,000" not in html and "Rp333,000" not in html
    tfoot = html[html.index("<tfoot>") : html.index("</tfoot>")]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", tfoot)
    # 2 orders, Rp80,000 of which Rp50,000 paid; consignment: 4 units for
    # Rp80,000, Rp50,000 received; Rp160,000 in all; 5 items; 1 active group
    # and product; the one confirmed order took 2 hours.
    assert cells == ["2", "Rp80,000", "Rp50,000", "Rp30,000", "Rp80,000", "4", "Rp50,000"] + [
        "Rp160,000", "Rp0", "5", "1", "1", "2 h", ""
    ]  # fmt: skip
    assert "Rp160,000</span> total sales, online and consignment" in html
    assert "4 units; Rp50,000 received from outlets" in html

    # Charts: accessible SVG images, a title per bar, classes instead of styles.
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 2
    for svg in svgs:
        assert 'role="img"' in svg and "aria-labelledby=" in svg
        assert "style" not in svg
    assert (
        f"<title>{group_in_scope.name}: online Rp50,000 paid, Rp30,000 not paid yet; "
        "consignment Rp80,000</title>"
    ) in svgs[0]
    assert svgs[0].count('class="chart-consigned"') == 1
    assert 'chart-swatch chart-consigned"></span>Consignment' in html
    assert f"<title>{group_in_scope.name}: 2 orders</title>" in svgs[1]
    assert " style=" not in html and "<script>" not in html
    # The table scrolls inside a labelled, focusable region on a phone.
    assert 'class="table-scroll" role="region" aria-labelledby="monev-caption" tabindex="0"' in html
    assert "an active group has at least one active product" in html


def test_group_rows_link_to_the_pdf_report(
    client, as_english_coordinator, jambi_uppka, sales, group_in_scope
):
    as_english_coordinator(jambi_uppka)
    html = page(client, per="group")
    assert f'href="/koordinator/kelompok/{group_in_scope.slug}/laporan.pdf"' in html
    assert "Download report (PDF)" in html
    assert "laporan.pdf" not in page(client, per="programme")


def test_every_grouping_renders(client, as_english_coordinator, operator, sales):
    as_english_coordinator(operator)
    for by in ("programme", "province", "regency", "group", "month"):
        html = page(client, per=by)
        assert "<tfoot>" in html
    html = page(client, per="month")
    # Twelve Jakarta months by default: a column per month.
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    assert body.count('<th scope="row">') == 12
    assert html.count('class="chart-label"') >= 24


def test_filters_offer_only_the_scope(client, as_english_coordinator, jambi_uppka, sales):
    as_english_coordinator(jambi_uppka)
    html = page(client)
    programmes = re.search(r'<select id="monev-programme".*?</select>', html, re.S).group(0)
    assert "UPPKA" in programmes and "JPS TKM" not in programmes
    provinces = re.search(r'<select id="monev-province".*?</select>', html, re.S).group(0)
    assert "Jambi" in provinces and "Jawa Barat" not in provinces
    # One province in scope: its regencies/cities are offered straight away.
    regencies = re.search(r'<select id="monev-regency".*?</select>', html, re.S).group(0)
    assert "Kota Jambi" in regencies


def test_asking_for_another_scope_shows_nothing_of_it(
    client, as_english_coordinator, jambi_uppka, sales, group_out_of_scope
):
    as_english_coordinator(jambi_uppka)
    html = page(client, per="group", program="jps-tkm", provinsi="32")
    assert group_out_of_scope.name not in html
    assert "No groups match these filters." in html


@pytest.mark.parametrize(
    "args",
    [
        {"per": "<script>", "program": "nope", "provinsi": "xx", "kabupaten": "15.7"},
        {"dari": "2026-99-01", "sampai": "yesterday"},
        {"dari": "1000-01-01", "sampai": "9999-12-31", "per": "month"},
        {"dari": "2026-05-01", "sampai": "2026-01-01", "q": "%_\\'\"" * 40},
        {"kabupaten": "32.73", "provinsi": "15"},
    ],
)
def test_bad_filters_are_explained_not_errors(client, as_english_coordinator, operator, args):
    as_english_coordinator(operator)
    response = client.get("/koordinator/monev", query_string=args)
    assert response.status_code == 200
    assert 'class="flash flash-info"' in response.get_data(as_text=True) or "q" in args
    assert client.get("/koordinator/monev.csv", query_string=args).status_code == 200
    xlsx = client.get("/koordinator/monev.xlsx", query_string=args, follow_redirects=True)
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")


def _statements(client, count_queries, by: str) -> int:
    client.get("/koordinator/monev", query_string={"per": by})  # warm caches
    with count_queries() as counter:
        assert client.get("/koordinator/monev", query_string={"per": by}).status_code == 200
    return counter.count


def test_bounded_statements_whatever_the_number_of_groups(
    client, as_coordinator, operator, count_queries
):
    as_coordinator(operator)

    def add_groups(n: int, first: int):
        for i in range(first, first + n):
            group = GroupFactory(
                programme=list(Programme)[i % 6],
                province_code=("15", "32")[i % 2],
                regency_code=("15.71", "32.73")[i % 2],
                district_code=None,
            )
            ProductFactory(group=group)
            consign_recently(group, 15000, 5, 2, 10000, days=i % 5)
            for day in (5, 40, 100):
                make_order(
                    group,
                    created_at=recently(day),
                    confirmed_at=recently(day) + timedelta(minutes=i + 1),
                    payment_status=PAID if i % 3 else PaymentStatus.UNPAID,
                    lines=[("Abon", 10000, 1), ("Kerupuk", 5000, 2)],
                )

    add_groups(2, 0)
    few = {by: _statements(client, count_queries, by) for by in ("group", "month", "regency")}
    add_groups(40, 2)
    many = {by: _statements(client, count_queries, by) for by in ("group", "month", "regency")}
    assert many == few
    # One statement more than before consignment: its grouped union.
    assert max(many.values()) <= 13
    html = page(client, per="group")
    assert html.count("laporan.pdf") == 42


def test_consignment_alone_draws_the_charts(
    client, as_english_coordinator, jambi_uppka, group_in_scope
):
    as_english_coordinator(jambi_uppka)
    consign_recently(group_in_scope, 20000, 10, 4, 0)
    html = page(client, per="month")
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 2 and svgs[0].count('class="chart-consigned"') == 1
    assert "Consignment (titip jual)" in html


def test_rollups_and_pages_keep_the_statements_bounded(
    client, as_coordinator, operator, count_queries
):
    """With the past months rolled up, one of them changed since (marked),
    and the table by group in pages of 50: a fixed number of statements, the
    same on every page; the CSV has every group."""
    as_coordinator(operator)
    groups = []
    for i in range(55):
        group = GroupFactory(
            name=f"Kelompok {i:02d}",
            programme=list(Programme)[i % 6],
            province_code="15",
            regency_code="15.71",
            district_code=None,
        )
        groups.append(group)
        for day in (5, 40, 100):
            make_order(
                group,
                created_at=recently(day),
                confirmed_at=recently(day) + timedelta(minutes=i + 1),
                payment_status=PAID if i % 3 else PaymentStatus.UNPAID,
                lines=[("Abon", 10000, 1)],
            )
    before = {by: _statements(client, count_queries, by) for by in ("group", "month", "programme")}
    rollups.keep_up()
    assert db.session.scalar(select(func.count()).select_from(built_months))
    rolled = {by: _statements(client, count_queries, by) for by in ("group", "month", "programme")}
    make_order(groups[0], created_at=recently(100), lines=[("Kerupuk", 5000, 1)])
    assert db.session.scalar(select(func.count()).select_from(dirty_months)) == 1
    marked = {by: _statements(client, count_queries, by) for by in ("group", "month", "programme")}
    assert rolled == marked
    # Two more once months are rolled up: the rollups' sums and the slices
    # of their confirm times that hold the medians.
    assert {by: n - 2 for by, n in rolled.items()} == before
    assert max(marked.values()) <= 15

    first = page(client, per="group")
    second = page(client, per="group", page=2)
    assert first.count("laporan.pdf") == 50
    assert second.count("laporan.pdf") == 5
    assert "51–55 dari 55 kelompok" in second
    with count_queries() as counter:
        page(client, per="group", page=2)
    assert counter.count == marked["group"]
    csv = client.get("/koordinator/monev.csv", query_string={"per": "group"})
    assert len(re.findall(r"Kelompok \d\d", csv.get_data(as_text=True))) == 55
