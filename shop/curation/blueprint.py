"""The URL maps of curation: every rule in one place.

Two blueprints: `exhibitions`, the public exhibition pages (/pameran), and
`curation`, the coordinators' pages for featured groups and exhibitions
(under /koordinator, beside the coordinators blueprint's pages). The view
modules hold the functions with their own decorators (login, page cache) and
import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.curation import manage, manage_exhibitions, manage_rounds, views

bp = Blueprint("exhibitions", __name__)

# views.py: public exhibition pages
bp.add_url_rule("/pameran", "index", views.index, methods=["GET"])
bp.add_url_rule("/pameran/<slug>", "show", views.show, methods=["GET"])

manage_bp = Blueprint("curation", __name__, url_prefix="/koordinator")

# manage.py: featured groups on the home page
manage_bp.add_url_rule("/unggulan", "featured", manage.featured, methods=["GET", "POST"])
manage_bp.add_url_rule(
    "/unggulan/<int:entry_id>/ubah",
    "featured_edit",
    manage.featured_edit,
    methods=["GET", "POST"],
)
manage_bp.add_url_rule(
    "/unggulan/<int:entry_id>/pindah", "featured_move", manage.featured_move, methods=["POST"]
)
manage_bp.add_url_rule(
    "/unggulan/<int:entry_id>/hapus", "featured_remove", manage.featured_remove, methods=["POST"]
)

# manage_rounds.py: featured pre-order rounds
manage_bp.add_url_rule("/pre-order", "rounds", manage_rounds.rounds, methods=["GET"])
manage_bp.add_url_rule(
    "/pre-order/<int:round_id>/<action>", "round_feature", manage_rounds.feature, methods=["POST"]
)

# manage_exhibitions.py: exhibitions, their groups and products
manage_bp.add_url_rule("/pameran", "exhibitions", manage_exhibitions.exhibitions, methods=["GET"])
manage_bp.add_url_rule(
    "/pameran/baru",
    "exhibition_new",
    manage_exhibitions.exhibition_new,
    methods=["GET", "POST"],
)
manage_bp.add_url_rule(
    "/pameran/<int:exhibition_id>/ubah",
    "exhibition_edit",
    manage_exhibitions.exhibition_edit,
    methods=["GET", "POST"],
)
manage_bp.add_url_rule(
    "/pameran/<int:exhibition_id>", "exhibition", manage_exhibitions.exhibition, methods=["GET"]
)
manage_bp.add_url_rule(
    "/pameran/<int:exhibition_id>/terbitkan",
    "exhibition_publish",
    manage_exhibitions.exhibition_publish,
    methods=["POST"],
)
manage_bp.add_url_rule(
    "/pameran/<int:exhibition_id>/kelompok",
    "exhibition_add_group",
    manage_exhibitions.exhibition_add_group,
    methods=["POST"],
)
manage_bp.add_url_rule(
    "/pameran/<int:exhibition_id>/produk",
    "exhibition_add_product",
    manage_exhibitions.exhibition_add_product,
    methods=["POST"],
)
manage_bp.add_url_rule(
    "/pameran/<int:exhibition_id>/<kind>/<int:item_id>/pindah",
    "exhibition_move_item",
    manage_exhibitions.exhibition_move_item,
    methods=["POST"],
)
manage_bp.add_url_rule(
    "/pameran/<int:exhibition_id>/<kind>/<int:item_id>/hapus",
    "exhibition_remove_item",
    manage_exhibitions.exhibition_remove_item,
    methods=["POST"],
)
