"""The URL map of the consignment blueprint: every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.consignment import ledger, manage, nota
from shop.groups import hooks as group_hooks

bp = Blueprint("consignment", __name__)

# manage.py: outlets, drop-offs and visits
bp.add_url_rule("/kelola/<slug>/titip", "overview", manage.overview, methods=["GET"])
bp.add_url_rule(
    "/kelola/<slug>/titip/warung/<int:outlet_id>", "outlet", manage.outlet, methods=["GET"]
)
bp.add_url_rule(
    "/kelola/<slug>/titip/warung/baru",
    "create_outlet",
    manage.create_outlet,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/titip/warung/<int:outlet_id>/ubah",
    "edit_outlet",
    manage.edit_outlet,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/titip/warung/<int:outlet_id>/arsip",
    "archive_outlet",
    manage.archive_outlet,
    methods=["POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/titip/warung/<int:outlet_id>/pulihkan",
    "restore_outlet",
    manage.restore_outlet,
    methods=["POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/titip/warung/<int:outlet_id>/titip",
    "leave_goods",
    manage.leave_goods,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/titip/nota/<number>/batal",
    "cancel_consignment",
    manage.cancel_consignment,
    methods=["POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/titip/warung/<int:outlet_id>/kunjungan",
    "record_visit",
    manage.record_visit,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/titip/warung/<int:outlet_id>/kunjungan/<int:visit_id>/batal",
    "undo_visit",
    manage.undo_visit,
    methods=["POST"],
)

# nota.py: the printable nota titip
bp.add_url_rule("/kelola/<slug>/titip/nota/<number>", "nota", nota.nota, methods=["GET"])
bp.add_url_rule(
    "/kelola/<slug>/titip/nota/<number>.pdf", "nota_pdf", nota.nota_pdf, methods=["GET"]
)

# What consignment adds to the group's home page (shop.groups.hooks)
group_hooks.HOME_PANELS["outlets_to_visit"] = ledger.outlets_to_visit
