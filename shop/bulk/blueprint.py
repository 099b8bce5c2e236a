"""The URL map of bulk requests: every rule in one place."""

from __future__ import annotations

from flask import Blueprint
from flask_limiter import RateLimitExceeded

from shop.bulk import coordinate, manage, views
from shop.orders.views import rate_limited

bp = Blueprint("bulk", __name__)

# views.py: the requester (no account; the private link is the key)
bp.add_url_rule("/borongan/baru", "new_request", views.new_request, methods=["GET", "POST"])
bp.add_url_rule("/borongan/akses", "access", views.access, methods=["GET", "POST"])
bp.add_url_rule("/borongan/akses/kode", "access_code", views.access_code, methods=["GET", "POST"])
bp.add_url_rule("/borongan/milik-saya", "my_requests", views.my_requests, methods=["GET"])
bp.add_url_rule("/borongan/<number>/<key>", "request_page", views.request_page, methods=["GET"])
bp.add_url_rule("/borongan/<number>/<key>/konfirmasi", "confirm", views.confirm, methods=["POST"])
bp.add_url_rule("/borongan/<number>/<key>/kirim-ulang", "resend", views.resend, methods=["POST"])
bp.add_url_rule("/borongan/<number>/<key>/terima", "accept", views.accept, methods=["POST"])
bp.add_url_rule("/borongan/<number>/<key>/tutup", "close", views.close, methods=["POST"])

# manage.py: the group
bp.add_url_rule(
    "/kelola/<slug>/borongan", "manage_requests", manage.manage_requests, methods=["GET"]
)
bp.add_url_rule(
    "/kelola/<slug>/borongan/kapasitas",
    "manage_capacity",
    manage.manage_capacity,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/borongan/<number>",
    "manage_request",
    manage.manage_request,
    methods=["GET", "POST"],
)

# coordinate.py: coordinators
bp.add_url_rule(
    "/koordinator/borongan", "coordinate_requests", coordinate.requests, methods=["GET"]
)
bp.add_url_rule(
    "/koordinator/borongan/<number>",
    "coordinate_request",
    coordinate.request_page,
    methods=["GET"],
)
bp.add_url_rule(
    "/koordinator/borongan/<number>/undang", "invite", coordinate.invite, methods=["POST"]
)

bp.register_error_handler(RateLimitExceeded, rate_limited)
