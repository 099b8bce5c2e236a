"""The URL map of the exports blueprint: every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.exports import jobs, views

bp = Blueprint("exports", __name__)

# views.py: prepared downloads
bp.add_url_rule("/unduhan/<token>", "status", views.status, methods=["GET"])
bp.add_url_rule("/unduhan/<token>/berkas", "download", views.download, methods=["GET"])

# Old exports go with the daily media sweep.
bp.record_once(jobs.join_media_sweep)
