"""The URL map of the exhibitions blueprint: every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.exhibitions import views

bp = Blueprint("exhibitions", __name__)

# views.py: public exhibition pages
bp.add_url_rule("/pameran", "index", views.index, methods=["GET"])
bp.add_url_rule("/pameran/<slug>", "show", views.show, methods=["GET"])
