"""The URL map of monitoring (under /koordinator, beside the coordinators
blueprint's pages): every rule in one place.

The view modules hold the functions with their own decorators (login) and
import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.monitoring import (
    active,
    audit_log,
    cli,
    overview,
    report,
    rollups,
    since_grant_page,
    views,
)

bp = Blueprint("monitoring", __name__, url_prefix="/koordinator")

# rollups.py: changes to orders of past months mark them for the page, and
# active.py: changes to products recount their groups, once per process;
# cli.py: `flask monitoring rebuild|keep-up`.
bp.record_once(lambda _state: (rollups.install(), active.install()))
bp.cli.add_command(cli.rebuild)
bp.cli.add_command(cli.keep_up)

# overview.py: the coordinator's overview
bp.add_url_rule("/", "overview", overview.overview, methods=["GET"])

# audit_log.py: the audit log
bp.add_url_rule("/audit", "audit", audit_log.audit, methods=["GET"])

# views.py: the monitoring figures (monev) and their exports
bp.add_url_rule("/monev", "index", views.monitoring, methods=["GET"])
bp.add_url_rule("/monev.csv", "export_csv", views.monitoring_export_csv, methods=["GET"])
bp.add_url_rule("/monev.xlsx", "export_xlsx", views.monitoring_export_xlsx, methods=["GET"])

# since_grant_page.py: each group's results since its grant, and their XLSX
bp.add_url_rule(
    "/monev/sejak-bantuan", "since_grant", since_grant_page.since_grant, methods=["GET"]
)
bp.add_url_rule(
    "/monev/sejak-bantuan.xlsx",
    "since_grant_xlsx",
    since_grant_page.since_grant_export_xlsx,
    methods=["GET"],
)

# report.py: the funders' report of a group
bp.add_url_rule(
    "/kelompok/<slug>/laporan.pdf", "group_report", report.group_report, methods=["GET"]
)
