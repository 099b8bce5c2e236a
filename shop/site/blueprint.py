"""The URL map of the site blueprint: every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.accounts import hooks as account_hooks
from shop.accounts import sessions
from shop.core import personal
from shop.core.hooks import connect
from shop.site import app_shell, landing, metadata, sitemap, views, visitor

bp = Blueprint("site", __name__)

# views.py: home, language and the small files
bp.add_url_rule("/", "home", views.home, methods=["GET"])
bp.add_url_rule("/bahasa/<code>", "set_language", views.set_language, methods=["GET"])
bp.add_url_rule(
    "/hemat-data/<any(nyala, mati):state>",
    "set_data_saver",
    views.set_data_saver,
    methods=["GET"],
)
bp.add_url_rule("/favicon.ico", "favicon", views.favicon, methods=["GET"])
bp.add_url_rule("/robots.txt", "robots", views.robots, methods=["GET"])
bp.add_url_rule("/healthz", "healthz", views.healthz, methods=["GET"])
bp.add_url_rule("/readyz", "readyz", views.readyz, methods=["GET"])
bp.add_url_rule("/terlalu-besar", "too_large", views.too_large, methods=["GET"])

# app_shell.py: the installable app (manifest, service worker, offline page)
bp.add_url_rule("/manifest.webmanifest", "manifest", app_shell.manifest, methods=["GET"])
bp.add_url_rule(
    "/manifest-<any(member, coordinator):role>.webmanifest",
    "manifest",
    app_shell.manifest,
    methods=["GET"],
)
bp.add_url_rule("/sw.js", "service_worker", app_shell.service_worker, methods=["GET"])
bp.add_url_rule("/luring", "offline", app_shell.offline, methods=["GET"])
bp.after_app_request(app_shell.say_language)

# sitemap.py: sitemaps
bp.add_url_rule("/sitemap.xml", "sitemap_index", sitemap.sitemap_index, methods=["GET"])
bp.add_url_rule(
    "/sitemap-<any(pages, groups, products, exhibitions):kind>-<int:number>.xml",
    "sitemap_chunk",
    sitemap.sitemap_chunk,
    methods=["GET"],
)

# Page metadata helpers (links, Open Graph, JSON-LD) for every template.
metadata.register(bp)

# Who the visitor is, for their parts of every page (shop.core.personal).
connect(personal.VISITOR_OF_REQUEST, visitor.of_request)
connect(personal.VISITOR_OF_COOKIE, visitor.of_cookie)
sessions.LOAD_WITH[visitor.IN_A_GROUP] = visitor.in_a_group_column

# Where a person lands after logging in (shop.accounts.hooks).
connect(account_hooks.HOME, landing.home_of)
