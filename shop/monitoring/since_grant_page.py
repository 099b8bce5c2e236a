"""Coordinator page: "since the grant" (sales, orders and active months of
each group after its first grant, next to what it was granted) and its XLSX,
for the groups in the coordinator's scope matching the monitoring filters."""

from __future__ import annotations

from functools import partial

from flask import render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from shop.accounts.models import User
from shop.audit.models import AuditAction
from shop.coordinators.scope import Scope, coordinator_required, current_scope
from shop.core.clock import JAKARTA, jakarta_today
from shop.core.pagination import page_arg
from shop.exports.views import answer, export_params, start_writing
from shop.monitoring import queries
from shop.monitoring.exports import request_audited_export, since_grant_xlsx
from shop.monitoring.since_grant import since_grant as since_grant_table
from shop.monitoring.views import (
    GROUP_ROWS,
    RowsPage,
    chosen_groups_text,
    filter_options,
    scope_text,
)
from shop.transaction import commit_or_raise


def _filters_text(filters: queries.Filters, options) -> str:
    """The filters that choose the groups (grouping and dates do not apply)."""
    return "; ".join(chosen_groups_text(filters, options))


@coordinator_required
def since_grant():
    scope = current_scope()
    filters, messages = queries.parse_filters(request.args, jakarta_today())
    options = filter_options(scope, filters)
    data = since_grant_table(scope, filters)
    return render_template(
        "monitoring/since_grant.html",
        scope=scope,
        data=data,
        filters=filters,
        options=options,
        messages=messages,
        chosen=_filters_text(filters, options),
        rows_page=RowsPage(data.rows, page_arg(), GROUP_ROWS),
    )


def _export_name() -> str:
    return f"monev-sejak-bantuan-{jakarta_today():%Y%m%d}.xlsx"


def prepare_since_grant_xlsx(params: dict, requested_by: User, requested_at):
    """The export job's first step: the rows of the asker's scope with the
    filters they asked for; the step returned writes the workbook."""
    if requested_by.coordinator is None:
        raise PermissionError("no longer a coordinator")
    scope = Scope.of(requested_by.coordinator)
    filters, _messages = queries.parse_filters(params["filters"], jakarta_today())
    data = since_grant_table(scope, filters, requested_at.astimezone(JAKARTA).date())
    stamp = requested_at.astimezone(JAKARTA)
    title = _("Results since the grant: %(scope)s", scope=scope_text(scope))
    chosen = _filters_text(filters, filter_options(scope, filters))
    subtitles = [
        chosen or _("Every group with a grant"),
        _(
            "From the day each group received its first grant until the export; "
            "cancelled and expired orders left out"
        ),
        _(
            "Exported %(when)s by %(who)s",
            when=format_date(stamp.date(), "d MMMM y") + stamp.strftime(" %H.%M WIB"),
            who=requested_by.name,
        ),
    ]
    return partial(since_grant_xlsx, data, title, subtitles)


@coordinator_required
def since_grant_export_xlsx():
    """Asked for here (and audited with the filters); a job writes the workbook."""
    filters, _messages = queries.parse_filters(request.args, jakarta_today())
    start_writing()
    export = commit_or_raise(
        lambda: request_audited_export(
            "since-grant-xlsx",
            export_params(filters=filters.args()),
            _export_name(),
            current_user,
            AuditAction.EXPORT_GRANTS_XLSX,
            subject=_("Results since the grant"),
            details=filters.details(),
        )
    )
    return answer(export)
