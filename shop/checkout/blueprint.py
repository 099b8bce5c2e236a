"""The URL map of the checkout blueprint: every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.checkout import views

bp = Blueprint("checkout", __name__)

# views.py: checkout
bp.add_url_rule("/checkout", "start", views.start, methods=["GET", "POST"])
