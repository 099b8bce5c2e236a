"""Monitoring by funding year and "since the grant": the funding year as a
filter and a dimension, and each group's orders, sales and active months
after its first grant next to what it was granted, on the page, in the XLSX
and in the funders' PDF report; the numbers checked against the orders made
here; a fixed number of statements; a provincial coordinator's scope only."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from shop.audit.models import AuditAction, AuditEntry
from shop.coordinators.scope import Scope
from shop.core.clock import jakarta_today
from shop.extensions import db
from shop.groups.models import Programme
from shop.monitoring import queries, rollups
from shop.orders.models import OrderStatus, PaymentStatus
from tests.factories import (
    CoordinatorFactory,
    GrantFactory,
    GroupFactory,
    MembershipFactory,
    make_order,
)
from tests.functional.coordinators.test_monitoring import consign_recently
from tests.integration.coordinators.test_report import big_group, pdf_info  # noqa: F401

PAID = PaymentStatus.PAID


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def months_since(first: date) -> int:
    today = jakarta_today()
    return (today.year - first.year) * 12 + today.month - first.month + 1


@pytest.fixture
def jambi(app_ctx):
    """A provincial coordinator: every programme in Jambi (15)."""
    return CoordinatorFactory(regions=["15"])


def town_group(name: str, programme: Programme, regency: str = "15.71", **fields):
    """A group in a city (Kota Jambi unless `regency` says otherwise)."""
    return GroupFactory(
        name=name,
        programme=programme,
        province_code=regency[:2],
        regency_code=regency,
        district_code=None,
        **fields,
    )


@pytest.fixture
def funded(app_ctx):
    """Three groups in Jambi and one in Jawa Barat, with their grants and orders.

    Sejahtera: grants of 2024 (Rp40,000,000, received 15 March 2024) and 2025
    (Rp10,000,000); since the first: an order placed at 00:30 on 15 March
    (WIB, still 14 March in UTC) paid Rp50,000, one in May 2024 not paid
    Rp30,000, a cancelled one not counted, and consignment sales of
    Rp80,000 (4 units) three days ago; an order at 23:30 on 14 March (WIB)
    is before the grant. Makmur: a 2023 grant of Rp25,000,000 received
    1 June 2023, one paid order of Rp15,000 in July 2023 and one before.
    Tanpa Bantuan: no grant, an order. Bandung (Jawa Barat): a 2024 grant
    and a big order, outside Jambi."""
    sejahtera = town_group("Kelompok Sejahtera", Programme.UPPKA)
    makmur = town_group("Kelompok Makmur", Programme.JPS_TKM)
    plain = town_group("Kelompok Tanpa Bantuan", Programme.UPPKA)
    bandung = town_group("Kelompok Bandung", Programme.UPPKA, "32.73")
    GrantFactory(
        group=sejahtera, funding_year=2024, amount=40_000_000, received_on=date(2024, 3, 15)
    )
    GrantFactory(
        group=sejahtera,
        funding_year=2025,
        amount=10_000_000,
        received_on=date(2025, 2, 1),
        programme="Bantuan APBD",
    )
    GrantFactory(group=makmur, funding_year=2023, amount=25_000_000, received_on=date(2023, 6, 1))
    GrantFactory(group=bandung, funding_year=2024, amount=99_000_000, received_on=date(2024, 1, 2))

    make_order(sejahtera, created_at=at("2024-03-14T16:30:00"), lines=[("Sebelum", 11000, 1)])
    make_order(
        sejahtera,
        created_at=at("2024-03-14T17:30:00"),
        status=OrderStatus.CONFIRMED,
        payment_status=PAID,
        lines=[("Abon", 25000, 2)],
    )
    make_order(sejahtera, created_at=at("2024-05-20T03:00:00"), lines=[("Kerupuk", 10000, 3)])
    make_order(
        sejahtera,
        created_at=at("2024-06-01T03:00:00"),
        status=OrderStatus.CANCELLED,
        lines=[("Batal", 70000, 1)],
    )
    consign_recently(sejahtera, 20000, 10, 4, 50000)
    make_order(makmur, created_at=at("2023-05-31T03:00:00"), lines=[("Lama", 99000, 1)])
    make_order(
        makmur,
        created_at=at("2023-07-10T03:00:00"),
        payment_status=PAID,
        lines=[("Dodol", 15000, 1)],
    )
    make_order(plain, created_at=at("2024-07-10T03:00:00"), lines=[("Kopi", 5000, 1)])
    make_order(bandung, created_at=at("2024-07-10T03:00:00"), lines=[("Mahal", 777000, 1)])
    return sejahtera, makmur, plain, bandung


def since_page(client, **args) -> str:
    response = client.get("/koordinator/monev/sejak-bantuan", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def table_rows(html: str) -> dict[str, list[str]]:
    """Each body row of the table as its cells' text, by the group's name."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        rows[cells[0]] = cells
    return rows


def test_since_the_grant_numbers_match_the_orders(client, as_coordinator, jambi, funded):
    sejahtera, makmur, plain, bandung = funded
    as_coordinator(jambi)
    client.get("/bahasa/en")
    html = since_page(client)
    rows = table_rows(html)
    assert set(rows) == {"Kelompok Sejahtera", "Kelompok Makmur"}
    assert rows["Kelompok Sejahtera"][1:9] == [
        "March 15, 2024",
        "2024, 2025",
        "Rp50,000,000",
        "2",
        "Rp80,000",
        "Rp80,000",
        "Rp160,000",
        f"3 of {months_since(date(2024, 3, 1))}",
    ]
    assert rows["Kelompok Makmur"][1:9] == [
        "June 1, 2023",
        "2023",
        "Rp25,000,000",
        "1",
        "Rp15,000",
        "Rp0",
        "Rp15,000",
        f"1 of {months_since(date(2023, 6, 1))}",
    ]
    # Makmur's grant came first.
    assert list(rows) == ["Kelompok Makmur", "Kelompok Sejahtera"]
    foot = html.split("<tfoot>", 1)[1]
    assert "Rp75,000,000" in foot and "Rp175,000" in foot
    assert "Bandung" not in html and "777,000" not in html and "99,000,000" not in html
    assert "Tanpa Bantuan" not in html

    # The funding year filter: groups with a grant of that year.
    only_2025 = table_rows(since_page(client, tahun="2025"))
    assert set(only_2025) == {"Kelompok Sejahtera"}
    assert set(table_rows(since_page(client, tahun="2023"))) == {"Kelompok Makmur"}
    refused = since_page(client, tahun="20x4")
    assert "That funding year was not understood" in refused
    assert set(table_rows(refused)) == {"Kelompok Sejahtera", "Kelompok Makmur"}
    assert "No group in your scope" in since_page(client, tahun="2019")


def test_outside_the_scope_nothing_and_others_404(client, as_coordinator, login_as, funded):
    sejahtera, makmur, plain, bandung = funded
    west_java = CoordinatorFactory(regions=["32"])
    as_coordinator(west_java)
    html = since_page(client)
    assert set(table_rows(html)) == {"Kelompok Bandung"}
    assert "Sejahtera" not in html and "Makmur" not in html
    xlsx = client.get("/koordinator/monev/sejak-bantuan.xlsx", follow_redirects=True)
    book = load_workbook(io.BytesIO(xlsx.data))
    names = [row[0].value for row in book.active.iter_rows(min_row=6)]
    assert "Kelompok Sejahtera" not in names and "Kelompok Bandung" in names


def test_members_get_404(client, login_as, funded):
    login_as(MembershipFactory(group=funded[0]).user)
    assert client.get("/koordinator/monev/sejak-bantuan").status_code == 404
    assert client.get("/koordinator/monev/sejak-bantuan.xlsx").status_code == 404


def test_the_xlsx_has_the_page_numbers(client, as_coordinator, jambi, funded):
    as_coordinator(jambi)
    client.get("/bahasa/en")
    response = client.get("/koordinator/monev/sejak-bantuan.xlsx", follow_redirects=True)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["A1"].value.startswith("Results since the grant")
    header = [cell.value for cell in sheet[5]]
    assert header[:6] == [
        "Group",
        "First grant received",
        "Funding years",
        "Grants",
        "Granted (Rp)",
        "Orders since",
    ]
    rows = {row[0].value: [cell.value for cell in row] for row in sheet.iter_rows(min_row=6)}
    sejahtera = rows["Kelompok Sejahtera"]
    assert sejahtera[1].date() == date(2024, 3, 15)
    assert sejahtera[2:] == [
        "2024, 2025",
        2,
        50_000_000,
        2,
        80_000,
        50_000,
        30_000,
        80_000,
        160_000,
        3,
        months_since(date(2024, 3, 1)),
    ]
    assert rows["Kelompok Makmur"][4:11] == [25_000_000, 1, 15_000, 15_000, 0, 0, 15_000]
    assert rows["Total"][4] == 75_000_000 and rows["Total"][10] == 175_000
    assert "Kelompok Bandung" not in rows
    row = next(sheet.iter_rows(min_row=6, max_row=6))
    assert row[4].number_format == '"Rp"#,##0'
    (entry,) = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == AuditAction.EXPORT_GRANTS_XLSX)
    )
    assert entry.actor_id == jambi.user_id


def test_funding_year_as_a_dimension_and_a_filter(client, as_coordinator, jambi, funded):
    as_coordinator(jambi)
    client.get("/bahasa/en")
    args = {"per": "funding_year", "dari": "2023-01-01", "sampai": "2024-12-31"}
    response = client.get("/koordinator/monev", query_string=args)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = table_rows(html)
    # Years in order, groups without a grant last; a group under its first year.
    assert list(rows) == ["2023", "2024", "No grant recorded"]
    # 2023 (Makmur): both its orders in the range, Rp99,000 + Rp15,000.
    assert rows["2023"][1:3] == ["2", "Rp114,000"]
    # 2024 (Sejahtera, also funded in 2025): three counted orders.
    assert rows["2024"][1:3] == ["3", "Rp91,000"]
    assert rows["No grant recorded"][1:3] == ["1", "Rp5,000"]
    assert "Bandung" not in html and "777,000" not in html

    only = client.get("/koordinator/monev", query_string={**args, "per": "group", "tahun": "2025"})
    names = only.get_data(as_text=True)
    assert "Kelompok Sejahtera" in names and "Kelompok Makmur" not in names
    assert "Tanpa Bantuan" not in names
    xlsx = client.get(
        "/koordinator/monev.xlsx", query_string={**args, "tahun": "2025"}, follow_redirects=True
    )
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert "Grouped by funding year; with a grant of funding year 2025" == sheet["A2"].value
    assert [cell.value for cell in sheet[6]][:3] == ["2024", 3, 91000]
    lines = client.get("/koordinator/monev.csv", query_string=args).get_data(as_text=True)
    assert [line.split(",")[:3] for line in lines.splitlines()[1:4]] == [
        ["2023", "2", "114000"],
        ["2024", "3", "91000"],
        ["No grant recorded", "1", "5000"],
    ]


def test_since_the_grant_has_a_fixed_statement_count(
    client, as_coordinator, jambi, funded, count_queries
):
    as_coordinator(jambi)

    def statements(**args) -> int:
        since_page(client, **args)
        with count_queries() as counter:
            since_page(client, **args)
        return counter.count

    few = statements()
    for i in range(60):
        group = town_group(f"Kelompok Tambahan {i:02d}", list(Programme)[i % 6])
        GrantFactory(
            group=group, funding_year=2020 + i % 5, received_on=date(2020 + i % 5, 1 + i % 12, 3)
        )
        GrantFactory(group=group, funding_year=2025, received_on=date(2025, 1, 5))
        make_order(group, created_at=at("2025-02-01T03:00:00"), lines=[("Abon", 10000, 1)])
    many = statements()
    assert many == few
    assert statements(page=2) == few
    second = since_page(client, page=2)
    assert "51–62 dari 62 kelompok" in second


def test_the_funders_report_shows_the_grants_on_one_page(
    client,
    login_as,
    big_group,  # noqa: F811  (the fixture imported above)
    tmp_path,
):
    for year in (2021, 2022, 2023, 2024, 2025):
        GrantFactory(
            group=big_group,
            funding_year=year,
            amount=12_345_000 + year,
            received_on=date(year, 2, 10),
            programme="Program Peningkatan Pendapatan Keluarga Akseptor Nasional",
        )
    coordinator = CoordinatorFactory(programmes=[Programme.UPPKA], regions=["15"])
    login_as(coordinator.user)
    client.get("/bahasa/en")
    response = client.get(
        f"/koordinator/kelompok/{big_group.slug}/laporan.pdf", follow_redirects=True
    )
    assert response.status_code == 200
    fields, text = pdf_info(response.data, tmp_path)
    assert fields["Pages"] == "1"
    flat = " ".join(text.split())
    assert "Grants and results since the first grant" in flat
    assert "Rp61,735,115" in flat  # the five grants together
    assert "granted (5 grants)" in flat and "3 more grants" in flat
    assert "Rp12,347,025" in flat  # the newest grant is listed first
    # Twelve months with sales since the first grant, in February 2021.
    assert f"12 of {months_since(date(2021, 2, 1))}" in flat and "active months since" in flat


def test_by_funding_year_the_rollups_agree_with_the_orders(
    client, as_coordinator, operator, funded
):
    """The operator's view (every group, no region in the clause) from the
    rollups once the months are built: the same rows as counting every order."""
    rollups.keep_up()
    scope = Scope.of(operator)
    filters, _messages = queries.parse_filters(
        {"per": "funding_year", "dari": "2023-01-01"}, jakarta_today()
    )

    def rows(data):
        return [(r.label, r.orders, r.paid, r.unpaid, r.consigned) for r in data.rows]

    rolled = rows(queries.monitoring(scope, filters))
    assert rolled == rows(queries.monitoring(scope, filters, use_rollups=False))
    assert [row[0] for row in rolled] == ["2023", "2024", "Belum ada bantuan tercatat"]
    # 2024: Sejahtera's three orders and Bandung's, and Sejahtera's consignment.
    assert rolled[1] == ("2024", 4, 50_000, 30_000 + 11_000 + 777_000, 80_000)
    as_coordinator(operator)
    response = client.get("/koordinator/monev", query_string={"per": "funding_year"})
    assert response.status_code == 200
