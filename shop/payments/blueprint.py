"""The URL map of the payments blueprint: every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.payments import views

bp = Blueprint("payments", __name__)

# views.py: card payments and Stripe's webhook
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
