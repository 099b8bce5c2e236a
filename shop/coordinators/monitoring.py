"""Coordinator pages: monitoring (monev), its CSV and XLSX exports and the
printable one-page report of a group for funders.

The page and the exports read the same filters from the query string and
show the same table (`monitoring_queries`); every export writes an audit entry
with those filters and commits it before answering.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from shop.coordinators import monitoring_queries as queries
from shop.coordinators.models import AuditAction
from shop.coordinators.monitoring_exports import monitoring_csv, monitoring_xlsx, record_download
from shop.coordinators.scope import Scope, coordinator_required, current_scope
from shop.coordinators.views import bp
from shop.core.clock import JAKARTA, jakarta_today
from shop.db import utcnow
from shop.extensions import db
from shop.groups.models import Group, Programme
from shop.orders.sales import SALES_LEGEND, ChartItem, column_chart, row_chart, sales_bar
from shop.regions.models import Province, Regency

CHART_ROWS = 15


@dataclass(frozen=True)
class FilterOptions:
    programmes: list[Programme]
    provinces: list[tuple[str, str]]
    # Offered once a province is chosen (or the scope has only one): a list
    # of every regency of every province is too long to pick from.
    regencies: list[tuple[str, str]]

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
    return FilterOptions(programmes, [tuple(p) for p in provinces], [tuple(r) for r in regencies])


def scope_text(scope: Scope) -> str:
    if scope.is_operator or scope.is_everything:
        return _("every group")
    programmes = ", ".join(str(p.label) for p in Programme if p in scope.programmes)
    regions = ", ".join(
        r.province.name if r.province else r.regency.name for r in scope.coordinator.regions
    )
    return f"{programmes or _('every programme')} · {regions or _('every region')}"


def filters_text(filters: queries.Filters, options: FilterOptions) -> str:
    parts = [_("Grouped by %(what)s", what=str(queries.GROUPINGS[filters.by]).lower())]
    if filters.programme:
        parts.append(_("programme: %(name)s", name=filters.programme.label))
    if filters.province:
        parts.append(_("province: %(name)s", name=options.province_name(filters.province)))
    if filters.regency:
        parts.append(_("regency/city: %(name)s", name=options.regency_name(filters.regency)))
    if filters.q:
        parts.append(_("group name contains “%(text)s”", text=filters.q))
    return "; ".join(parts)


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


@bp.get("/monev")
@coordinator_required
def monitoring():
    scope = current_scope()
    filters, messages = queries.parse_filters(request.args, jakarta_today())
    options = filter_options(scope, filters)
    data = queries.monitoring(scope, filters)
    revenue_chart, orders_chart = _charts(data)
    return render_template(
        "coordinators/monitoring/index.html",
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
    )


def _export(kind: str):
    scope = current_scope()
    filters, _messages = queries.parse_filters(request.args, jakarta_today())
    options = filter_options(scope, filters)
    data = queries.monitoring(scope, filters)
    stamp = utcnow().astimezone(JAKARTA)
    name = f"monev-{filters.by}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
    if kind == "csv":
        body, mimetype = monitoring_csv(data), "text/csv"
        action = AuditAction.EXPORT_CSV
    else:
        title = _("Etalase monitoring (monev): %(scope)s", scope=scope_text(scope))
        subtitles = [
            filters_text(filters, options),
            range_text(filters),
            _(
                "Exported %(when)s by %(who)s",
                when=format_date(stamp.date(), "d MMMM y") + stamp.strftime(" %H.%M WIB"),
                who=current_user.name,
            ),
        ]
        body = monitoring_xlsx(data, title, subtitles)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        action = AuditAction.EXPORT_XLSX
    record_download(action, subject=_("Monitoring"), details=filters.details())
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{name}.{kind}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/monev.csv")
@coordinator_required
def monitoring_export_csv():
    return _export("csv")


@bp.get("/monev.xlsx")
@coordinator_required
def monitoring_export_xlsx():
    return _export("xlsx")


# The group report attaches to `bp` too.
from shop.coordinators import report  # noqa: E402, F401
