"""The monitoring table as CSV and XLSX (the same rows and totals as the
page), and the audit entry every download writes.

Money stays a whole number of rupiah (a number in the XLSX, with a "Rp"
number format, so funders can sum it); consignment (titip jual) sales, units
and money received from outlets are columns of their own next to the online
revenue, followed by the total of both channels and, apart, the refunds to
buyers; the median time to confirm is in hours.
Text a spreadsheet would run as a formula (a group named "=HYPERLINK(…)") is
neutralised: defusedcsv prefixes it in the CSV, and the XLSX workbook is made
with strings_to_formulas off, so it is stored as text.
"""

from __future__ import annotations

import csv
import io

import xlsxwriter
from defusedcsv import csv as safe_csv
from flask_babel import gettext as _

from shop.accounts.models import User
from shop.audit.models import AuditAction
from shop.audit.services import record
from shop.exports.models import Export
from shop.exports.services import request_export
from shop.monitoring.queries import Figures, Monitoring
from shop.monitoring.since_grant import SinceGrant, SinceGrantTable
from shop.transaction import Midway, commit_midway


def _headings(data: Monitoring) -> list[str]:
    return [
        data.grouping_label,
        _("Orders"),
        _("Revenue (Rp)"),
        _("Paid (Rp)"),
        _("Not paid yet (Rp)"),
        _("Consignment sales (Rp)"),
        _("Consignment units"),
        _("Received from outlets (Rp)"),
        _("Total sales (Rp)"),
        _("Refunds to buyers (Rp)"),
        _("Items sold"),
        _("Active groups"),
        _("Active products"),
        _("Median time to confirm (hours)"),
    ]


def _values(row: Figures) -> list:
    return [
        row.label,
        row.orders,
        row.revenue,
        row.paid,
        row.unpaid,
        row.consigned,
        row.consigned_units,
        row.received,
        row.total_sales,
        row.refunds,
        row.items,
        row.active_groups,
        row.active_products,
        row.median_hours,
    ]


def monitoring_csv(data: Monitoring) -> bytes:
    """UTF-8 with a BOM (Excel then reads it as UTF-8); a header row, a row per
    key and the totals last."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = safe_csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(_headings(data))
    for row in [*data.rows, data.total]:
        writer.writerow(["" if value is None else value for value in _values(row)])
    return out.getvalue().encode("utf-8")


HEADER_ROW = 4  # zero-based: three title lines and a blank line above it


def monitoring_xlsx(data: Monitoring, title: str, subtitles: list[str]) -> bytes:
    """One sheet: a title with the scope, filters and date range, a header
    row, the rows and the totals; panes frozen under the header and beside
    the names, an autofilter on the table."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    headings = _headings(data)
    sheet = _start_sheet(book, _("Monitoring"), title, subtitles, headings)
    money = book.add_format({"num_format": '"Rp"#,##0'})
    hours = book.add_format({"num_format": "0.0"})
    whole = book.add_format({"num_format": "#,##0"})
    total_money = book.add_format({"num_format": '"Rp"#,##0', "bold": True, "top": 1})
    total_hours = book.add_format({"num_format": "0.0", "bold": True, "top": 1})
    total_whole = book.add_format({"num_format": "#,##0", "bold": True, "top": 1})
    total_text = book.add_format({"bold": True, "top": 1})

    kinds = [None, whole, money, money, money, money, whole, money, money, money]
    kinds += [whole, whole, whole, hours]
    total_kinds = [total_text, total_whole, total_money, total_money, total_money]
    total_kinds += [total_money, total_whole, total_money, total_money, total_money]
    total_kinds += [total_whole, total_whole, total_whole, total_hours]
    row_index = HEADER_ROW
    for row in data.rows:
        row_index += 1
        for col, (value, fmt) in enumerate(zip(_values(row), kinds, strict=True)):
            if value is None:
                continue
            if col == 0:
                sheet.write_string(row_index, col, value)
            else:
                sheet.write_number(row_index, col, value, fmt)
    last_data_row = row_index
    row_index += 1
    for col, (value, fmt) in enumerate(zip(_values(data.total), total_kinds, strict=True)):
        if value is None:
            sheet.write_blank(row_index, col, None, fmt)
        elif col == 0:
            sheet.write_string(row_index, col, value, fmt)
        else:
            sheet.write_number(row_index, col, value, fmt)

    _finish_sheet(book, sheet, headings, last_data_row, title, subtitles)
    return buffer.getvalue()


def _start_sheet(book, name: str, title: str, subtitles: list[str], headings: list[str]):
    """A sheet with the title, the lines under it and the header row."""
    sheet = book.add_worksheet(name[:31])
    heading = book.add_format({"bold": True, "bg_color": "#EEEEEE", "bottom": 1, "text_wrap": True})
    sheet.write_string(0, 0, title, book.add_format({"bold": True, "font_size": 14}))
    for i, line in enumerate(subtitles[: HEADER_ROW - 1], start=1):
        sheet.write_string(i, 0, line)
    for col, text in enumerate(headings):
        sheet.write_string(HEADER_ROW, col, text, heading)
    return sheet


def _finish_sheet(book, sheet, headings, last_data_row: int, title: str, subtitles) -> None:
    """Panes frozen under the header and beside the names, an autofilter on
    the table, printed landscape one page wide; then the workbook is closed."""
    sheet.set_row(HEADER_ROW, 32)
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, len(headings) - 1, 14)
    sheet.freeze_panes(HEADER_ROW + 1, 1)
    sheet.autofilter(HEADER_ROW, 0, max(last_data_row, HEADER_ROW), len(headings) - 1)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(HEADER_ROW)
    book.set_properties({"title": title, "comments": " · ".join(subtitles)})
    book.close()


def record_download(action: AuditAction, **fields) -> None:
    """Write the audit entry of a download and commit it.

    Downloads are GET requests, whose SQLite transactions begin deferred and
    read; one that then writes would fail at once ("database is locked") if
    another request committed in between. So the reading transaction ends
    first and the write begins with the write lock (queueing for it); the
    entry is committed before the file is sent.
    """
    commit_midway(Midway.BEFORE_GET_WRITE)
    record(action, **fields)
    commit_midway(Midway.AUDITED_DOWNLOAD)


def request_audited_export(
    kind: str, params: dict, filename: str, by: User, action: AuditAction, **fields
) -> Export:
    """Ask for an export (a job makes the file) and write its audit entry,
    in the same transaction; the view commits both."""
    export = request_export(kind, params, filename, by)
    record(action, **fields)
    return export


def _since_headings() -> list[str]:
    return [
        _("Group"),
        _("First grant received"),
        _("Funding years"),
        _("Grants"),
        _("Granted (Rp)"),
        _("Orders since"),
        _("Online revenue since (Rp)"),
        _("Paid (Rp)"),
        _("Not paid yet (Rp)"),
        _("Consignment sales since (Rp)"),
        _("Total sales since (Rp)"),
        _("Active months"),
        _("Months since the grant"),
    ]


def _since_values(row: SinceGrant) -> list:
    return [
        row.name,
        row.since,
        row.years_text,
        row.grants,
        row.granted,
        row.orders,
        row.revenue,
        row.paid,
        row.unpaid,
        row.consigned,
        row.total_sales,
        row.active_months,
        row.months,
    ]


def since_grant_xlsx(data: SinceGrantTable, title: str, subtitles: list[str]) -> bytes:
    """One sheet like the monitoring table's: a row per group with a grant,
    money as numbers in rupiah, the day as a date, the totals last."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    headings = _since_headings()
    sheet = _start_sheet(book, _("Since the grant"), title, subtitles, headings)
    formats = {
        "money": book.add_format({"num_format": '"Rp"#,##0'}),
        "whole": book.add_format({"num_format": "#,##0"}),
        "day": book.add_format({"num_format": "yyyy-mm-dd"}),
        "text": None,
    }
    bold = {
        "money": book.add_format({"num_format": '"Rp"#,##0', "bold": True, "top": 1}),
        "whole": book.add_format({"num_format": "#,##0", "bold": True, "top": 1}),
        "day": book.add_format({"bold": True, "top": 1}),
        "text": book.add_format({"bold": True, "top": 1}),
    }
    kinds = ["text", "day", "text", "whole", "money", "whole", "money", "money", "money"]
    kinds += ["money", "money", "whole", "whole"]

    def write(row_index, values, styles):
        for col, (value, kind) in enumerate(zip(values, kinds, strict=True)):
            fmt = styles[kind]
            if value is None or value == "" and kind != "text":
                sheet.write_blank(row_index, col, None, fmt)
            elif kind == "text":
                sheet.write_string(row_index, col, value, fmt)
            elif kind == "day":
                sheet.write_datetime(row_index, col, value, fmt)
            else:
                sheet.write_number(row_index, col, value, fmt)

    row_index = HEADER_ROW
    for row in data.rows:
        row_index += 1
        write(row_index, _since_values(row), formats)
    last_data_row = row_index
    total = _since_values(data.total)
    total[1] = None
    write(row_index + 1, total, bold)
    _finish_sheet(book, sheet, headings, last_data_row, title, subtitles)
    return buffer.getvalue()
