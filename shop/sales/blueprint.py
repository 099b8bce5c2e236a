"""The URL map of the sales blueprint: every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.sales import manage

bp = Blueprint("sales", __name__)

# manage.py: the group's sales page
bp.add_url_rule("/kelola/<slug>/penjualan", "manage_sales", manage.manage_sales, methods=["GET"])
