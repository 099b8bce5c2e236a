"""The URL map of the marketing blueprint: every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.marketing import catalogue_pdf, manage, poster, views

bp = Blueprint("marketing", __name__)

# views.py: short links and QR codes
bp.add_url_rule("/s/<code>", "short_link", views.short_link, methods=["GET"])
bp.add_url_rule("/s/<code>/qr.<any(svg, png):kind>", "qr_code", views.qr_code, methods=["GET"])

# catalogue_pdf.py: the catalogue PDF
bp.add_url_rule(
    "/kelola/<slug>/promosi/katalog.pdf",
    "catalogue_pdf",
    catalogue_pdf.catalogue_pdf,
    methods=["GET"],
)

# manage.py: the promotion kit
bp.add_url_rule("/kelola/<slug>/promosi", "kit", manage.kit, methods=["GET"])

# poster.py: the poster
bp.add_url_rule("/kelola/<slug>/promosi/poster", "poster", poster.poster, methods=["GET"])
bp.add_url_rule(
    "/kelola/<slug>/promosi/poster.pdf", "poster_pdf", poster.poster_pdf, methods=["GET"]
)
