"""Monitoring figures from a known set of orders, checked against numbers
worked out by hand; the same on SQLite and PostgreSQL (CI runs both).

The range is January–March 2026 in Jakarta time. Groups: A (UPPKA, Kota
Jambi), B (UPPKA, Kabupaten Muaro Jambi), F (UPPKA, Kota Jambi, nothing sold),
C (JPS TKM, Kota Jambi), D (UPPKA, Kota Bandung) and E (JPS TKM, Kota
Bandung, suspended). The Jambi UPPKA coordinator sees A, B and F only.

Consignment (`consigned`): A, C and D leave goods at outlets; the visits that
count are worked out by hand in the fixture, with a visit on 31 January and
one on 1 February, one on 31 March and one on 1 April, one in December 2025
and one undone visit.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from shop.catalogue.models import ProductStatus
from shop.consignment import services as consignment
from shop.consignment.services import Count, Item
from shop.coordinators.scope import Scope
from shop.extensions import db
from shop.groups.models import GroupStatus, Programme
from shop.monitoring.filters import Filters
from shop.monitoring.queries import monitoring, parse_filters
from shop.orders.models import OrderStatus, PaymentStatus
from tests.factories import (
    CoordinatorFactory,
    GroupFactory,
    OutletFactory,
    ProductFactory,
    VariantFactory,
    make_order,
)

PAID, UNPAID = PaymentStatus.PAID, PaymentStatus.UNPAID
JAN, MAR_END = date(2026, 1, 1), date(2026, 3, 31)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def order(group, created, *, confirm_after=None, **kwargs):
    if confirm_after is not None:
        kwargs["confirmed_at"] = created + timedelta(seconds=confirm_after)
    return make_order(group, created_at=created, **kwargs)


@pytest.fixture
def known(app_ctx):
    def group(name, programme, regency, **kwargs):
        return GroupFactory(
            name=name,
            programme=programme,
            province_code=regency[:2],
            regency_code=regency,
            district_code=None,
            **kwargs,
        )

    a = group("Kelompok Abon Sejahtera", Programme.UPPKA, "15.71")
    b = group("Kelompok Keripik Maju", Programme.UPPKA, "15.05")
    f = group("Kelompok Baru Tanpa Jualan", Programme.UPPKA, "15.71")
    c = group("Kelompok Tas Rajut", Programme.JPS_TKM, "15.71")
    d = group("Kelompok Dodol Bandung", Programme.UPPKA, "32.73")
    e = group("Kelompok Batik", Programme.JPS_TKM, "32.73", status=GroupStatus.SUSPENDED)

    # A: January has orders 1, 2 and 6; February order 3; 4 and 5 don't count;
    # 7 and 8 fall just outside the range in Jakarta time.
    order(a, at(2026, 1, 10, 3), confirm_after=7200, payment_status=PAID,
          status=OrderStatus.CONFIRMED, lines=[("Abon", 25000, 2)])  # fmt: skip
    # 16:59 UTC on 31 January is 23:59 in Jakarta: still January.
    order(a, at(2026, 1, 31, 16, 59), confirm_after=14400, status=OrderStatus.CONFIRMED,
          lines=[("Kerupuk", 10000, 3)])  # fmt: skip
    # 17:00 UTC on 31 January is midnight, 1 February in Jakarta. Never confirmed.
    order(a, at(2026, 1, 31, 17), lines=[("Abon", 25000, 1), ("Kerupuk", 10000, 1)])
    order(a, at(2026, 2, 5), confirm_after=3600, status=OrderStatus.CANCELLED,
          payment_status=PAID, lines=[("Abon", 99999, 1)])  # fmt: skip
    order(a, at(2026, 2, 6), status=OrderStatus.EXPIRED, lines=[("Abon", 77777, 1)])
    # 17:30 UTC on 31 December 2025 is 00:30 on 1 January in Jakarta: counts.
    order(a, at(2025, 12, 31, 17, 30), confirm_after=36000, payment_status=PAID,
          status=OrderStatus.COMPLETED, lines=[("Abon", 20000, 1)])  # fmt: skip
    # 17:30 UTC on 31 March is 1 April in Jakarta; 16:00 UTC on 31 December is
    # still 2025 there: both outside the range.
    order(a, at(2026, 3, 31, 17, 30), payment_status=PAID, lines=[("Abon", 1_000_000, 1)])
    order(a, at(2025, 12, 31, 16), payment_status=PAID, lines=[("Abon", 1_000_000, 1)])

    order(b, at(2026, 3, 15), confirm_after=3600, payment_status=PAID,
          status=OrderStatus.COMPLETED, lines=[("Keripik", 15000, 4)])  # fmt: skip
    order(c, at(2026, 2, 20), confirm_after=1800, status=OrderStatus.CONFIRMED,
          lines=[("Tas Rajut", 100000, 1)])  # fmt: skip
    order(d, at(2026, 3, 1), confirm_after=10800, payment_status=PAID,
          status=OrderStatus.CONFIRMED, lines=[("Dodol", 40000, 5)])  # fmt: skip
    order(e, at(2026, 1, 15), lines=[("Batik", 500000, 1)])

    # Active products: A has two (a third is hidden, a fourth a draft), C and
    # D one each; E's product is not public (E is suspended); B and F none.
    ProductFactory(group=a)
    ProductFactory(group=a)
    ProductFactory(group=a, hidden_at=at(2026, 3, 1), hidden_reason="Foto salah")
    ProductFactory(group=a, status=ProductStatus.DRAFT)
    ProductFactory(group=c)
    ProductFactory(group=d)
    ProductFactory(group=e)
    db.session.flush()
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


TODAY = date(2026, 4, 20)


def leave(group, outlet, left_on, *goods):
    """Goods (name, agreed price, quantity) left on `left_on`; draft products,
    so the active counts of the other tests stay as they are. The lines."""
    items = []
    for name, price, quantity in goods:
        product = ProductFactory(group=group, name=name, status=ProductStatus.DRAFT)
        variant = VariantFactory(product=product, price=price + 5000, stock=None)
        items.append(Item(variant.id, quantity, price))
    note = consignment.leave_goods(group, outlet, left_on, items, today=TODAY)
    return note.lines


def visit(group, outlet, day, *counts, money=0):
    return consignment.record_visit(group, outlet, day, list(counts), money, today=TODAY)


@pytest.fixture
def consigned(known):
    """In January–March: A sold 116000 (7 units) and received 70000, C
    180000 (2) and 90000, D 175000 (5) and 175000. B, E and F consign nothing."""
    a, c, d = known["a"], known["c"], known["d"]

    def outlet(group, name):
        return OutletFactory(
            group=group,
            name=name,
            province_code=group.province_code,
            regency_code=group.regency_code,
            district_code=None,
        )

    warung = outlet(a, "Warung Bu Ros")
    (old,) = leave(a, warung, date(2025, 12, 20), ("Abon", 20000, 5))
    # 31 December 2025: before the range.
    visit(a, warung, date(2025, 12, 31), Count(old.id, sold=1), money=20000)
    abon, kerupuk = leave(a, warung, date(2026, 1, 20), ("Abon", 20000, 10), ("Kerupuk", 8000, 6))
    # January: 3 × 20000 + 2 × 8000 = 76000, 5 units; the money once, not per line.
    visit(a, warung, date(2026, 1, 31), Count(abon.id, sold=3), Count(kerupuk.id, sold=2),
          money=40000)  # fmt: skip
    # February: 2 × 20000, one Kerupuk written off.
    visit(a, warung, date(2026, 2, 1), Count(abon.id, sold=2), Count(kerupuk.id, written_off=1),
          money=30000)  # fmt: skip
    # Entered by mistake and taken back: counts nowhere.
    consignment.undo_visit(visit(a, warung, date(2026, 2, 10), Count(abon.id, sold=4), money=50000))
    # 1 April: after the range.
    visit(a, warung, date(2026, 4, 1), Count(abon.id, sold=1), money=20000)

    kios = outlet(c, "Kios Pak Darto")
    (tas,) = leave(c, kios, date(2026, 2, 15), ("Tas Rajut", 90000, 3))
    visit(c, kios, date(2026, 3, 1), Count(tas.id, sold=2), money=90000)

    toko = outlet(d, "Toko Oleh-oleh Ibu Imas")
    (dodol,) = leave(d, toko, date(2026, 3, 1), ("Dodol", 35000, 10))
    # 31 March: the last day of the range.
    visit(d, toko, date(2026, 3, 31), Count(dodol.id, sold=5), money=175000)
    db.session.flush()
    return known


def consignment_figures(row):
    return (row.consigned, row.consigned_units, row.received)


@pytest.fixture
def operator(app_ctx):
    return Scope.of(CoordinatorFactory(is_operator=True))


@pytest.fixture
def jambi_uppka(app_ctx):
    return Scope.of(CoordinatorFactory(programmes=[Programme.UPPKA], regions=["15"]))


def figures(row):
    return (
        row.orders,
        row.paid,
        row.unpaid,
        row.items,
        row.active_groups,
        row.active_products,
        row.median_hours,
    )


def report(scope, by, **kwargs):
    return monitoring(scope, Filters(start=JAN, end=MAR_END, by=by, **kwargs))


def test_operator_totals_and_programmes(known, operator):
    data = report(operator, "programme")

    # 8 orders; confirm times 1800, 3600, 7200, 10800, 14400, 36000 s:
    # the median is (7200 + 10800) / 2 = 9000 s = 2.5 h.
    assert figures(data.total) == (8, 330000, 665000, 19, 3, 4, 2.5)
    assert data.total.revenue == 995000
    rows = {row.key: row for row in data.rows}
    assert set(rows) == {Programme.UPPKA, Programme.JPS_TKM}
    # UPPKA: A (orders 1, 2, 3, 6), B, D; medians of 3600, 7200, 10800, 14400, 36000.
    assert figures(rows[Programme.UPPKA]) == (6, 330000, 65000, 17, 2, 3, 3.0)
    # JPS TKM: C and E (E suspended: its order counts, its product is not active).
    assert figures(rows[Programme.JPS_TKM]) == (2, 0, 600000, 2, 1, 1, 0.5)
    assert [row.key for row in data.rows] == [Programme.JPS_TKM, Programme.UPPKA]


def test_scoped_coordinator_never_counts_other_groups(known, jambi_uppka):
    data = report(jambi_uppka, "group")

    # A and B only: confirm times 3600, 7200, 14400, 36000 → (7200 + 14400) / 2.
    assert figures(data.total) == (5, 130000, 65000, 12, 1, 2, 3.0)
    rows = {row.label: row for row in data.rows}
    assert set(rows) == {known["a"].name, known["b"].name, known["f"].name}
    a, b, f = rows[known["a"].name], rows[known["b"].name], rows[known["f"].name]
    assert figures(a) == (4, 70000, 65000, 8, 1, 2, 4.0)
    assert figures(b) == (1, 60000, 0, 4, 0, 0, 1.0)
    assert figures(f) == (0, 0, 0, 0, 0, 0, None)
    assert a.slug == known["a"].slug
    # Most revenue first; the group that sold nothing last.
    assert [row.label for row in data.rows] == [a.label, b.label, f.label]


def test_months_follow_jakarta_days(known, jambi_uppka):
    data = report(jambi_uppka, "month")

    assert data.months == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    jan, feb, mar = data.rows
    assert figures(jan) == (3, 70000, 30000, 6, None, None, 4.0)
    assert figures(feb) == (1, 0, 35000, 2, None, None, None)
    assert figures(mar) == (1, 60000, 0, 4, None, None, 1.0)
    # Active groups and products are today's state: only in the totals.
    assert figures(data.total) == (5, 130000, 65000, 12, 1, 2, 3.0)


def test_regions(known, operator, jambi_uppka):
    provinces = {row.key: row for row in report(operator, "province").rows}
    assert set(provinces) == {"15", "32"}
    assert figures(provinces["15"]) == (6, 130000, 165000, 13, 2, 3, 2.0)
    assert figures(provinces["32"]) == (2, 200000, 500000, 6, 1, 1, 3.0)
    assert provinces["15"].label == "Jambi"

    regencies = {row.key: row for row in report(jambi_uppka, "regency").rows}
    assert set(regencies) == {"15.71", "15.05"}
    assert regencies["15.71"].label == "Kota Jambi"
    assert figures(regencies["15.71"]) == (4, 70000, 65000, 8, 1, 2, 4.0)
    assert figures(regencies["15.05"]) == (1, 60000, 0, 4, 0, 0, 1.0)


def test_filters_narrow_every_figure(known, operator):
    only_jps = report(operator, "group", programme=Programme.JPS_TKM)
    assert figures(only_jps.total) == (2, 0, 600000, 2, 1, 1, 0.5)

    bandung = report(operator, "programme", province="32")
    assert figures(bandung.total) == (2, 200000, 500000, 6, 1, 1, 3.0)

    kota_jambi = report(operator, "programme", province="15", regency="15.71")
    # Confirm times 1800 (C), 7200, 14400, 36000 (A) → (7200 + 14400) / 2.
    assert figures(kota_jambi.total) == (5, 70000, 165000, 9, 2, 3, 3.0)

    # The search folds case and matches part of the name; % and _ are literal.
    abon = report(operator, "group", q="ABON sej")
    assert [row.label for row in abon.rows] == [known["a"].name]
    assert figures(abon.total) == (4, 70000, 65000, 8, 1, 2, 4.0)
    assert report(operator, "group", q="%").rows == []

    february = monitoring(
        operator, Filters(start=date(2026, 2, 1), end=date(2026, 2, 28), by="programme")
    )
    # Orders 3 (A, never confirmed) and 10 (C).
    assert figures(february.total) == (2, 0, 135000, 3, 3, 4, 0.5)


def test_an_odd_count_has_the_middle_value_as_median(known, jambi_uppka):
    order(known["b"], at(2026, 3, 20), confirm_after=100000, lines=[("Keripik", 1, 1)])
    # A and B now: 3600 (B), 7200, 14400, 36000 (A), 100000 (B): the middle one.
    assert report(jambi_uppka, "programme").total.median_hours == 4.0


def test_parse_filters_defaults_and_bad_input(app_ctx):
    today = date(2026, 11, 23)
    filters, messages = parse_filters(MultiDict(), today)
    assert (filters.start, filters.end, filters.by) == (date(2025, 12, 1), today, "programme")
    assert messages == []

    filters, messages = parse_filters(
        MultiDict(
            {
                "per": "nonsense",
                "program": "x",
                "provinsi": "1' OR 1=1",
                "kabupaten": "99.99",
                "dari": "2026-13-01",
                "sampai": "2026-02-30",
                "q": "  a   b " + "x" * 300,
            }
        ),
        today,
    )
    assert filters.by == "programme" and filters.programme is None
    assert filters.province == "" and filters.regency == "99.99"
    assert (filters.start, filters.end) == (date(2025, 12, 1), today)
    assert filters.q.startswith("a b x") and len(filters.q) == 100
    assert len(messages) == 4

    filters, messages = parse_filters(
        MultiDict({"dari": "2026-03-01", "sampai": "2026-01-01", "provinsi": "15",
                   "kabupaten": "32.73", "program": "uppka"}),
        today,
    )  # fmt: skip
    assert (filters.start, filters.end) == (date(2026, 1, 1), date(2026, 3, 1))
    assert filters.regency == "" and filters.programme is Programme.UPPKA
    assert len(messages) == 2

    filters, messages = parse_filters(MultiDict({"dari": "2001-01-01"}), today)
    assert (today - filters.start).days == 5 * 366 and len(messages) == 1
    filters, messages = parse_filters(
        MultiDict({"dari": "1900-01-01", "sampai": "9999-12-31"}), today
    )
    assert (filters.start, filters.end) == (date(2025, 12, 1), today) and len(messages) == 2


def test_consignment_is_a_channel_of_its_own(consigned, operator):
    data = report(operator, "programme")

    # The online figures do not change.
    assert figures(data.total) == (8, 330000, 665000, 19, 3, 4, 2.5)
    assert consignment_figures(data.total) == (471000, 14, 335000)
    assert data.total.total_sales == 995000 + 471000
    rows = {row.key: row for row in data.rows}
    # UPPKA: A 116000 + D 175000; JPS TKM: C.
    assert consignment_figures(rows[Programme.UPPKA]) == (291000, 12, 245000)
    assert consignment_figures(rows[Programme.JPS_TKM]) == (180000, 2, 90000)
    assert rows[Programme.UPPKA].total_sales == 395000 + 291000
    # Ordered by total sales: JPS TKM 780000, UPPKA 686000.
    assert [row.key for row in data.rows] == [Programme.JPS_TKM, Programme.UPPKA]


def test_consignment_by_group_in_scope(consigned, jambi_uppka):
    data = report(jambi_uppka, "group")

    rows = {row.label: row for row in data.rows}
    assert consignment_figures(rows[consigned["a"].name]) == (116000, 7, 70000)
    assert consignment_figures(rows[consigned["b"].name]) == (0, 0, 0)
    assert consignment_figures(rows[consigned["f"].name]) == (0, 0, 0)
    # C and D are outside the scope.
    assert consignment_figures(data.total) == (116000, 7, 70000)
    assert figures(data.total) == (5, 130000, 65000, 12, 1, 2, 3.0)


def test_consignment_months_are_visit_days(consigned, operator, jambi_uppka):
    jan, feb, mar = report(jambi_uppka, "month").rows
    # 31 January is January, 1 February is February.
    assert consignment_figures(jan) == (76000, 5, 40000)
    assert consignment_figures(feb) == (40000, 2, 30000)
    assert consignment_figures(mar) == (0, 0, 0)

    jan, feb, mar = report(operator, "month").rows
    # C on 1 March and D on 31 March; A's visit on 1 April is outside.
    assert consignment_figures(mar) == (355000, 7, 265000)
    assert jan.total_sales == jan.revenue + 76000


def test_consignment_regions_and_filters(consigned, operator):
    provinces = {row.key: row for row in report(operator, "province").rows}
    assert consignment_figures(provinces["15"]) == (296000, 9, 160000)
    assert consignment_figures(provinces["32"]) == (175000, 5, 175000)

    regencies = {row.key: row for row in report(operator, "regency").rows}
    assert consignment_figures(regencies["15.71"]) == (296000, 9, 160000)
    assert consignment_figures(regencies["15.05"]) == (0, 0, 0)

    only_jps = report(operator, "group", programme=Programme.JPS_TKM)
    assert consignment_figures(only_jps.total) == (180000, 2, 90000)
    assert consignment_figures(report(operator, "group", q="dodol").total) == (175000, 5, 175000)

    february = monitoring(
        operator, Filters(start=date(2026, 2, 1), end=date(2026, 2, 28), by="programme")
    )
    assert consignment_figures(february.total) == (40000, 2, 30000)
    # One day: 31 January only.
    last_of_january = monitoring(
        operator, Filters(start=date(2026, 1, 31), end=date(2026, 1, 31), by="month")
    )
    assert consignment_figures(last_of_january.total) == (76000, 5, 40000)
