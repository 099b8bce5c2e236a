"""The URL maps of grants: every rule in one place.

Two blueprints: `grants`, the coordinators' pages of a group's grants (under
/koordinator, beside the coordinators blueprint's group page), and
`group_grants`, the group's own read-only page (/kelola/<slug>/bantuan).
The view modules hold the functions with their own decorators and import
nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.grants import manage, views

bp = Blueprint("grants", __name__, url_prefix="/koordinator/kelompok/<slug>/bantuan")

# manage.py: a group's grants and what they bought
bp.add_url_rule("", "group_grants", manage.group_grants, methods=["GET"])
bp.add_url_rule("/baru", "grant_new", manage.grant_new, methods=["GET", "POST"])
bp.add_url_rule("/<int:grant_id>/ubah", "grant_edit", manage.grant_edit, methods=["GET", "POST"])
bp.add_url_rule("/<int:grant_id>/hapus", "grant_remove", manage.grant_remove, methods=["POST"])
bp.add_url_rule("/<int:grant_id>/barang/baru", "item_new", manage.item_new, methods=["GET", "POST"])
bp.add_url_rule(
    "/<int:grant_id>/barang/<int:item_id>/ubah",
    "item_edit",
    manage.item_edit,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/<int:grant_id>/barang/<int:item_id>/hapus",
    "item_remove",
    manage.item_remove,
    methods=["POST"],
)
bp.add_url_rule(
    "/<int:grant_id>/barang/<int:item_id>/foto/<int:photo_id>/hapus",
    "item_photo_remove",
    manage.item_photo_remove,
    methods=["POST"],
)

group_bp = Blueprint("group_grants", __name__)

# views.py: the group's own page
group_bp.add_url_rule(
    "/kelola/<slug>/bantuan", "manage_grants", views.manage_grants, methods=["GET"]
)
