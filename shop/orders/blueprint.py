"""The URL map of the orders blueprint: every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint
from flask_limiter import RateLimitExceeded

from shop.orders import manage, totals, views, whatsapp

bp = Blueprint("orders", __name__)

# views.py: the buyer's pages
bp.add_url_rule("/pesanan/<key>", "confirmation", views.confirmation, methods=["GET"])
bp.add_url_rule("/lacak/<number>/<token>", "track", views.track, methods=["GET"])
bp.add_url_rule("/lacak/<number>/<token>/ponsel", "track_push", views.track_push, methods=["POST"])
bp.add_url_rule(
    "/lacak/<number>/<token>/ponsel/hapus",
    "track_push_off",
    views.track_push_off,
    methods=["POST"],
)
bp.add_url_rule("/lacak", "lookup", views.lookup, methods=["GET", "POST"])
bp.add_url_rule("/akun/pesanan", "history", views.history, methods=["GET"])

# manage.py: the group's order inbox
bp.add_url_rule("/kelola/<slug>/pesanan", "manage_inbox", manage.manage_inbox, methods=["GET"])
bp.add_url_rule(
    "/kelola/<slug>/pesanan/<number>", "manage_order", manage.manage_order, methods=["GET"]
)
bp.add_url_rule(
    "/kelola/<slug>/pesanan/<number>/<action>",
    "manage_action",
    manage.manage_action,
    methods=["POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/pesanan/<number>/slip", "manage_slip", manage.manage_slip, methods=["GET"]
)
bp.add_url_rule(
    "/kelola/<slug>/pesanan.csv", "manage_export", manage.manage_export, methods=["GET"]
)

# Hooks and template helpers of the blueprint
bp.register_error_handler(RateLimitExceeded, views.rate_limited)
bp.add_app_template_global(manage._new_order_count, "new_order_count")
bp.add_app_template_global(whatsapp.order_whatsapp_link, "order_whatsapp_link")
bp.add_app_template_global(totals.order_total, "order_total")
