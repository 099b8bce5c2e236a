"""The URL map of monitoring visits: every rule in one place. The
coordinators' pages sit under /koordinator, the visited group's under
/kelola/<slug>; the view modules import nothing from here."""

from __future__ import annotations

from flask import Blueprint

from shop.groups import hooks as group_hooks
from shop.visits import group_pages, manage, queries

bp = Blueprint("visits", __name__)

# manage.py: coordinators
bp.add_url_rule(
    "/koordinator/kelompok/<slug>/kunjungan", "group", manage.group_visits, methods=["GET"]
)
bp.add_url_rule(
    "/koordinator/kelompok/<slug>/kunjungan/baru",
    "new",
    manage.new_visit,
    methods=["GET", "POST"],
)
bp.add_url_rule("/koordinator/kunjungan/<int:visit_id>", "visit", manage.visit, methods=["GET"])
bp.add_url_rule(
    "/koordinator/kunjungan/<int:visit_id>/ubah",
    "edit",
    manage.edit_visit,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/koordinator/kunjungan/<int:visit_id>/foto/<int:photo_id>",
    "coordinator_photo",
    manage.coordinator_photo,
    methods=["GET"],
)
bp.add_url_rule("/koordinator/tindak-lanjut", "due", manage.due, methods=["GET"])

# group_pages.py: the visited group
bp.add_url_rule("/kelola/<slug>/monev", "group_visits", group_pages.visits, methods=["GET"])
bp.add_url_rule(
    "/kelola/<slug>/monev/<int:visit_id>/foto/<int:photo_id>",
    "group_photo",
    group_pages.photo,
    methods=["GET"],
)
bp.add_url_rule(
    "/kelola/<slug>/monev/saran/<int:follow_up_id>/selesai",
    "mark_done",
    group_pages.mark_done,
    methods=["POST"],
)

# queries.py: the group's home page tells of the recommendations due
group_hooks.HOME_PANELS["follow_ups_due"] = queries.due_for_group
