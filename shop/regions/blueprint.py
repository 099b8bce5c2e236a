"""The URL map of the regions blueprint: every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.regions import views

bp = Blueprint("regions", __name__)

# views.py: region lists (JSON)
bp.add_url_rule("/wilayah/<code>", "children", views.children, methods=["GET"])
