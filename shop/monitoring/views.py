"""Coordinator pages: monitoring (monev) and its CSV and XLSX exports (the
printable report of a group for funders is report.py).

The page and the exports read the same filters from the query string and
show the same table (`shop.monitoring.queries`); every export writes an audit entry
with those filters and commits it before answering. The CSV is small and
made by the request; the XLSX is an export (`shop.exports`) written by a
background job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from flask import render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from shop.accounts.models import User
from shop.audit.models import AuditAction
from shop.coordinators.scope import Scope, coordinator_required, current_scope
from shop.core.charts import ChartItem, column_chart, row_chart
from shop.core.clock import JAKARTA, jakarta_today
from shop.core.downloads import private_download
from shop.core.pagination import page_arg
from shop.exports.views import answer, export_params, start_writing
from shop.extensions import db
from shop.grants.models import Grant
from shop.groups.models import Group, Programme
from shop.monitoring import queries
from shop.monitoring.exports import (
    monitoring_csv,
    monitoring_xlsx,
    record_download,
    request_audited_export,
)
from shop.regions.models import Province, Regency
from shop.sales.figures import SALES_LEGEND, sales_bar
from shop.transaction import commit_or_raise

CHART_ROWS = 15
# The table by group shows this many rows a page (the downloads have them all).
GROUP_ROWS = 50


@dataclass(frozen=True)
class RowsPage:
    """A page of the table's rows, read by the pager macro like a
    `Pagination`: the figures of every row are counted anyway (the rows are
    ordered by them), so a page costs no statement more."""

    rows: list
    page: int
    per_page: int
    capped: bool = False

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def pages(self) -> int:
        return max(-(-self.total // self.per_page), 1)

    @property
    def items(self) -> list:
        start = (self.page - 1) * self.per_page
        return self.rows[start : start + self.per_page]

    @property
    def first(self) -> int:
        return min((self.page - 1) * self.per_page + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.total)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass(frozen=True)
class FilterOptions:
    programmes: list[Programme]
    provinces: list[tuple[str, str]]
    # Offered once a province is chosen (or the scope has only one): a list
    # of every regency of every province is too long to pick from.
    regencies: list[tuple[str, str]]
    # The funding years of the grants of groups in scope, newest first.
    years: list[int] = field(default_factory=list)

    def province_name(self, code: str) -> str:
        return dict(self.provinces).get(code, code)

    def regency_name(self, code: str) -> str:
        return dict(self.regencies).get(code, code)


def filter_options(scope: Scope, filters: queries.Filters) -> FilterOptions:
    """The programmes, provinces and regencies/cities that have groups in scope."""
    programmes = [p for p in Programme if not scope.programmes or p in scope.programmes]
    in_scope = scope.groups_clause()
    provinces = db.session.execute(
        select(Province.code, Province.name)
        .where(Province.code.in_(select(Group.province_code).where(in_scope)))
        .order_by(Province.name)
    ).all()
    province = filters.province or (provinces[0][0] if len(provinces) == 1 else "")
    regencies = []
    if province:
        regencies = db.session.execute(
            select(Regency.code, Regency.name)
            .where(
                Regency.province_code == province,
                Regency.code.in_(select(Group.regency_code).where(in_scope)),
            )
            .order_by(Regency.name)
        ).all()
    years = db.session.scalars(
        select(Grant.funding_year)
        .join(Group, Group.id == Grant.group_id)
        .where(in_scope)
        .distinct()
        .order_by(Grant.funding_year.desc())
    ).all()
    return FilterOptions(
        programmes, [tuple(p) for p in provinces], [tuple(r) for r in regencies], list(years)
    )


def scope_text(scope: Scope) -> str:
    if scope.is_operator or scope.is_everything:
        return _("every group")
    programmes = ", ".join(str(p.label) for p in Programme if p in scope.programmes)
    regions = ", ".join(
        r.province.name if r.province else r.regency.name for r in scope.coordinator.regions
    )
    return f"{programmes or _('every programme')} · {regions or _('every region')}"


def chosen_groups_text(filters: queries.Filters, options: FilterOptions) -> list[str]:
    """The filters that choose the groups, in words (none: every group)."""
    parts = []
    if filters.programme:
        parts.append(_("programme: %(name)s", name=filters.programme.label))
    if filters.province:
        parts.append(_("province: %(name)s", name=options.province_name(filters.province)))
    if filters.regency:
        parts.append(_("regency/city: %(name)s", name=options.regency_name(filters.regency)))
    if filters.q:
        parts.append(_("group name contains “%(text)s”", text=filters.q))
    if filters.funding_year:
        parts.append(_("with a grant of funding year %(year)d", year=filters.funding_year))
    return parts


def filters_text(filters: queries.Filters, options: FilterOptions) -> str:
    parts = [_("Grouped by %(what)s", what=str(queries.GROUPINGS[filters.by]).lower())]
    return "; ".join(parts + chosen_groups_text(filters, options))


def range_text(filters: queries.Filters) -> str:
    return _(
        "Online orders placed and consignment visits %(start)s – %(end)s (WIB); "
        "cancelled and expired orders left out",
        start=format_date(filters.start, "d MMMM y"),
        end=format_date(filters.end, "d MMMM y"),
    )


def _charts(data: queries.Monitoring):
    """Sales (online paid, online not yet paid and consignment stacked) and
    orders; a column per month, or a row per programme / region / group (the
    CHART_ROWS largest)."""
    rows = data.rows if data.filters.by == "month" else data.rows[:CHART_ROWS]
    revenue = [sales_bar(row.label, row.label, row) for row in rows]
    orders = [
        ChartItem(
            label=row.label,
            title=_("%(name)s: %(num)d orders", name=row.label, num=row.orders),
            parts=(("chart-orders", row.orders),),
        )
        for row in rows
    ]
    if data.filters.by == "month":
        # Every other label (or fewer) when the months would not fit.
        every = -(-len(rows) // 12)
        for items in (revenue, orders):
            for i, item in enumerate(items):
                short = format_date(data.months[i], "MMM") if i % every == 0 else ""
                items[i] = ChartItem(short, item.title, item.parts)
        return column_chart(revenue), column_chart(orders, money=False)
    return row_chart(revenue), row_chart(orders, money=False)


@coordinator_required
def monitoring():
    scope = current_scope()
    filters, messages = queries.parse_filters(request.args, jakarta_today())
    options = filter_options(scope, filters)
    data = queries.monitoring(scope, filters)
    revenue_chart, orders_chart = _charts(data)
    rows_page = None
    if filters.by == "group":
        rows_page = RowsPage(data.rows, page_arg(), GROUP_ROWS)
    return render_template(
        "monitoring/index.html",
        scope=scope,
        data=data,
        filters=filters,
        options=options,
        groupings=queries.GROUPINGS,
        messages=messages,
        revenue_chart=revenue_chart,
        orders_chart=orders_chart,
        legend=SALES_LEGEND,
        chart_limited=data.filters.by != "month" and len(data.rows) > CHART_ROWS,
        chart_rows=CHART_ROWS,
        range_text=range_text(filters),
        rows_page=rows_page,
    )


def export_name(filters: queries.Filters, extension: str) -> str:
    return f"monev-{filters.by}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.{extension}"


def xlsx_texts(scope: Scope, filters: queries.Filters, by_name: str, at) -> tuple[str, list[str]]:
    """The title and the lines under it: the scope, the filters, the range, who and when."""
    stamp = at.astimezone(JAKARTA)
    title = _("Etalase monitoring (monev): %(scope)s", scope=scope_text(scope))
    subtitles = [
        filters_text(filters, filter_options(scope, filters)),
        range_text(filters),
        _(
            "Exported %(when)s by %(who)s",
            when=format_date(stamp.date(), "d MMMM y") + stamp.strftime(" %H.%M WIB"),
            who=by_name,
        ),
    ]
    return title, subtitles


def prepare_monitoring_xlsx(params: dict, requested_by: User, requested_at):
    """The export job's first step: the figures of the asker's scope with the
    filters they asked for (the canonical query string, so the dates are
    those of the moment they asked); the step returned writes the workbook."""
    if requested_by.coordinator is None:
        raise PermissionError("no longer a coordinator")
    scope = Scope.of(requested_by.coordinator)
    filters, _messages = queries.parse_filters(params["filters"], jakarta_today())
    data = queries.monitoring(scope, filters)
    title, subtitles = xlsx_texts(scope, filters, requested_by.name, requested_at)
    return partial(monitoring_xlsx, data, title, subtitles)


@coordinator_required
def monitoring_export_csv():
    """Small, so made and streamed by the request itself."""
    scope = current_scope()
    filters, _messages = queries.parse_filters(request.args, jakarta_today())
    body = monitoring_csv(queries.monitoring(scope, filters))
    record_download(AuditAction.EXPORT_CSV, subject=_("Monitoring"), details=filters.details())
    return private_download(body, name=export_name(filters, "csv"), mimetype="text/csv")


@coordinator_required
def monitoring_export_xlsx():
    """Asked for here (and audited with the filters); a job writes the workbook."""
    filters, _messages = queries.parse_filters(request.args, jakarta_today())
    start_writing()
    export = commit_or_raise(
        lambda: request_audited_export(
            "monev-xlsx",
            export_params(filters=filters.args()),
            export_name(filters, "xlsx"),
            current_user,
            AuditAction.EXPORT_XLSX,
            subject=_("Monitoring"),
            details=filters.details(),
        )
    )
    return answer(export)
