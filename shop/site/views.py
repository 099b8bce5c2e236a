"""Home page, language switch and the small files every site serves."""

from __future__ import annotations

from functools import cache, wraps
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Response, current_app, redirect, render_template, request

from shop.accounts.views import safe_next
from shop.catalogue import queries as catalogue_queries
from shop.core.cache import page_day, public_page
from shop.core.templating import absolute_url
from shop.curation import queries as curation_queries
from shop.extensions import limiter, talisman
from shop.groups import queries as group_queries
from shop.groups.models import Programme
from shop.i18n.locale import COOKIE, PARAM
from shop.media import data_saver, limits
from shop.site import health


@public_page
def home():
    # Featured groups and running exhibitions change at midnight on their own.
    today = page_day()
    return render_template(
        "site/home.html",
        featured=curation_queries.featured_groups(today),
        exhibitions=curation_queries.running_exhibitions(today, limit=6),
        products=catalogue_queries.newest_products(limit=8),
        groups=group_queries.newest_groups(limit=6),
        category_counts=catalogue_queries.category_counts(),
        count_cap=catalogue_queries.COUNT_CAP,
        programmes=list(Programme),
    )


def set_language(code: str):
    """Remember the chosen language in a cookie (a preference, not a login)."""
    response = redirect(_without_language(safe_next("/")))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            COOKIE,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure,
            httponly=True,
        )
    return response


def set_data_saver(state: str):
    """Data saver on or off (shop.media.data_saver), a preference kept a
    year; "off" wins over the browser's Save-Data."""
    response = redirect(safe_next("/"))
    response.set_cookie(
        data_saver.COOKIE,
        "1" if state == "nyala" else "0",
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure,
        httponly=True,
    )
    return response


def _without_language(path: str) -> str:
    """The page to go back to, minus a `?hl=` that would outvote the choice."""
    parts = urlsplit(path)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(k == PARAM for k, _ in pairs):
        return path
    query = [(k, v) for k, v in pairs if k != PARAM]
    return urlunsplit(parts._replace(query=urlencode(query)))


@cache
def _favicon(static_folder: str) -> bytes:
    return (Path(static_folder) / "img" / "favicon.ico").read_bytes()


def favicon():
    # From memory: every page asks for it, and a browser that drops the
    # request half-way must not leave an open file behind.
    response = Response(_favicon(current_app.static_folder), mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 3600
    return response


def robots():
    body = (
        "User-agent: *\nDisallow: /kelola\nDisallow: /akun\nDisallow: /gabung\n"
        f"\nSitemap: {absolute_url('site.sitemap_index')}\n"
    )
    return current_app.response_class(body, mimetype="text/plain")


def _probe(view):
    """A load balancer's probe: answered over plain HTTP too (it talks to the
    app behind the TLS proxy), never rate limited, never cached anywhere."""

    @wraps(view)
    def wrapper():
        response = current_app.make_response(view())
        response.cache_control.no_store = True
        return response

    return limiter.exempt(talisman(force_https=False)(wrapper))


@_probe
def healthz():
    """The process is alive; asks nothing of the database or Redis."""
    return {"status": "ok"}


@_probe
def readyz():
    """Ready to serve: the database, Redis when configured, the file storage."""
    ready, checks = health.readiness()
    return {"status": "ready" if ready else "not ready", "checks": checks}, 200 if ready else 503


def too_large():
    """Where nginx sends a request over its client_max_body_size (error_page
    413, the refused address in `alamat`): the app's page naming the limit
    of that address, in the visitor's language, instead of nginx's own."""
    refused = request.args.get("alamat", "")
    local = refused.startswith("/") and not refused.startswith("//") and "\\" not in refused
    return limits.too_large_page(refused if local else None)
