"""The URL map of the payments blueprint: every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint
from flask_limiter import RateLimitExceeded

from shop.core.hooks import connect
from shop.orders import hooks
from shop.orders import views as order_views
from shop.payments import manage, qris, refunds, views

bp = Blueprint("payments", __name__)

# views.py: transfer proofs from the tracking page, card payments and Stripe's webhook
bp.add_url_rule("/lacak/<number>/<token>/bukti", "send_proof", views.send_proof, methods=["POST"])
bp.add_url_rule(
    "/lacak/<number>/<token>/bukti/<int:proof_id>", "show_proof", views.show_proof, methods=["GET"]
)
bp.add_url_rule("/bayar/<number>/<token>/kartu", "pay_by_card", views.pay_by_card, methods=["POST"])
bp.add_url_rule(
    "/bayar/<number>/<token>/kartu/selesai", "card_return", views.card_return, methods=["GET"]
)
bp.add_url_rule(
    "/bayar/<number>/<token>/pengembalian/<int:refund_id>/bukti",
    "refund_proof",
    views.refund_proof,
    methods=["GET"],
)
bp.add_url_rule("/stripe/webhook", "stripe_webhook", views.stripe_webhook, methods=["POST"])

# manage.py: the payment parts of the group's order page
bp.add_url_rule(
    "/kelola/<slug>/pesanan/<number>/pengembalian/<int:refund_id>",
    "manage_refund",
    manage.manage_refund,
    methods=["POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/pesanan/<number>/pengembalian/<int:refund_id>/bukti",
    "manage_refund_proof",
    manage.manage_refund_proof,
    methods=["GET"],
)
bp.add_url_rule(
    "/kelola/<slug>/pesanan/<number>/bukti/<int:proof_id>",
    "manage_proof",
    manage.manage_proof,
    methods=["GET"],
)

# Hooks of the blueprint: the proof limit draws the tracking page (as the
# orders blueprint does), and what payments add to the orders they act on.
bp.register_error_handler(RateLimitExceeded, order_views.rate_limited)
connect(hooks.PAID_ORDER_CANCELLED, refunds.refund_closed_order)
connect(hooks.TRACK_PAGE, views.track_context)
connect(hooks.GROUP_ORDER_PAGE, manage.group_order_context)
# The amount QR of an order paid by QRIS (orders/_summary.html: confirmation and tracking).
bp.add_app_template_global(qris.order_qris, "order_qris")
