"""The URL map of the notify blueprint: every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.notify import views

bp = Blueprint("notify", __name__)

# views.py: the WhatsApp webhook
bp.add_url_rule(
    "/whatsapp/webhook", "whatsapp_webhook_verify", views.whatsapp_webhook_verify, methods=["GET"]
)
bp.add_url_rule("/whatsapp/webhook", "whatsapp_webhook", views.whatsapp_webhook, methods=["POST"])
