"""The installable app: the web manifest, the service worker and the page it
shows offline.

The service worker (static/js/sw.js) keeps the public pages a visitor has
seen, as an anonymous visitor sees them, and shows them offline with a
banner; every other page offline is the offline page, which says it needs a
connection. A public page says it may be kept with `OFFLINE_HEADER`
(`shop.core.cache.mark_storable`); nothing else is ever kept.

The manifest is the same app for everyone (its `id`); only where it opens
differs: a member's installed app opens on their own group's page, a coordinator's on
the monitoring page (base.html links each visitor's own, a personal slot).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Response, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from shop.core.templating import static_url

THEME_COLOUR = "#7a2e0e"
BACKGROUND_COLOUR = "#fffaf6"
ICONS = (
    ("img/icon-192.png", "192x192", "any"),
    ("img/icon-512.png", "512x512", "any"),
    ("img/icon-maskable-512.png", "512x512", "maskable"),
)
# Where the installed app opens, by who installed it. A member's opens on the
# log-in page, which sends a logged-in person to their own home (their
# group's page, or the groups to choose from: shop/site/landing.py) and asks
# anyone else to log in first.
START_ENDPOINTS = {
    "": "site.home",
    "member": "accounts.login",
    "coordinator": "monitoring.overview",
}
SHELL_FILES = ("css/app.css", "js/app.js", "img/favicon.svg")


def manifest(role: str = ""):
    start = url_for(START_ENDPOINTS.get(role, "site.home"))
    body = {
        "id": url_for("site.home"),
        "name": current_app.config["SITE_NAME"],
        "short_name": current_app.config["SITE_NAME"],
        "description": _(
            "Products made by community enterprise groups across Indonesia: "
            "order directly from the groups."
        ),
        "lang": str(get_locale()),
        "start_url": start,
        "scope": url_for("site.home"),
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static_url(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    return current_app.response_class(
        json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json"
    )


def service_worker():
    """static/js/sw.js with this release's values. The browser asks for it
    again on navigations (`no-cache`), so a new release installs at once."""
    response = Response(_worker_source(), mimetype="text/javascript")
    response.cache_control.public = True
    response.cache_control.no_cache = True
    return response


def _worker_source() -> str:
    """Made once per process (a release restarts it), on every call with the
    debugger on, so an edited file shows at once."""
    kept = current_app.extensions.setdefault("service_worker", {})
    if request.script_root not in kept or current_app.debug:
        kept[request.script_root] = _make_worker_source()
    return kept[request.script_root]


def _make_worker_source() -> str:
    source = Path(current_app.static_folder, "js", "sw.js").read_text(encoding="utf-8")
    languages = current_app.config["LANGUAGES"]
    offline_pages = {code: url_for("site.offline", hl=code) for code in languages}
    shell = [static_url(name) for name in SHELL_FILES]
    values = {
        "__VERSION__": _version(source, shell),
        "__OFFLINE_PAGES__": json.dumps(offline_pages),
        "__SHELL_FILES__": json.dumps(shell),
        "__DEFAULT_LANGUAGE__": current_app.config["BABEL_DEFAULT_LOCALE"],
        "__ICON__": static_url(ICONS[0][0]),
    }
    for name, value in values.items():
        source = source.replace(name, value)
    return source


def _version(source: str, shell: list[str]) -> str:
    """Changes with the worker, the static files it keeps and the offline
    page's template and translations."""
    digest = hashlib.sha256(source.encode())
    for part in shell:
        digest.update(part.encode())
    catalogues = Path(current_app.root_path, "i18n", "translations")
    for mo in sorted(catalogues.glob("*/LC_MESSAGES/messages.mo")):
        digest.update(mo.read_bytes())
    template = Path(current_app.root_path, current_app.template_folder, "site", "offline.html")
    digest.update(template.read_bytes())
    return digest.hexdigest()[:16]


def say_language(response):
    """after_app_request: a page says its language (the service worker shows
    the offline page in the language of the last page seen)."""
    if response.mimetype == "text/html" and "Content-Language" not in response.headers:
        response.headers["Content-Language"] = str(get_locale())
    return response


def offline():
    """What the service worker shows offline for a page it has not kept."""
    return render_template("site/offline.html")
