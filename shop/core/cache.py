"""Whole-page cache for anonymous visitors of public pages.

A page is served from the cache only when it is the same for everyone who
asks in that language: the request carries no session or remember-me cookie
(so no login, no cart, no flash message) and the page rendered no CSRF token.

Views opt in with `@public_page`. On the way out, `mark_storable` tags such a
response; `PageCacheMiddleware`, outside Flask, stores tagged responses whole
(status, headers, body) and answers later requests for the same page without
entering Flask at all, which keeps a cached page close to a bare "hello world".

The key holds the language (the URL's `?hl=`, else the `lang` cookie: the
locale selector's rule), the compression the browser accepts, the URL and
a generation number that every catalogue or group write bumps once its
transaction commits (`mark_public_change`), so a change shows at once where
the cache is shared (Redis); with a per-process cache (several workers without
Redis) a page is at most PAGE_CACHE_SECONDS old.

The cache is a help, never a dependency: when its Redis is away, a lookup is a
miss and a store is skipped (`PageCache`), so every page is still rendered,
and the cache is tried again every few seconds until it answers.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from functools import wraps

from flask import Flask, current_app, g, request, session
from werkzeug.http import parse_cookie

from shop.core.clock import jakarta_today, midnight_utc
from shop.db import utcnow
from shop.extensions import cache
from shop.outages import outages, service_name

GENERATION_KEY = "page-generation"
STORE_HEADER = "X-Etalase-Page-Cache"
# Answered by the app itself every time: a load balancer's probes.
UNCACHED_PATHS = frozenset({"/healthz", "/readyz"})
# After a cache error, how long requests leave the cache alone before trying it again.
RETRY_SECONDS = 5.0


def public_page(view):
    """Let the page cache keep this view's response for anonymous visitors."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.public_page = True
        return view(*args, **kwargs)

    return wrapper


def page_day() -> date:
    """Today in Jakarta, for a page whose content depends on the day.

    A cached page lives PAGE_CACHE_SECONDS; one rendered closer than that to
    midnight (or with no bound at all: 0 means "never expires" to the cache)
    is served but not stored, so no visitor gets yesterday's home page.
    """
    now = utcnow()
    today = jakarta_today(now)
    lifetime = current_app.config.get("PAGE_CACHE_SECONDS") or 0
    until_midnight = (midnight_utc(today + timedelta(days=1)) - now).total_seconds()
    if lifetime <= 0 or until_midnight <= lifetime:
        g.public_page = False
    return today


def mark_storable(response):
    """after_request: tag a public page that is the same for every visitor."""
    if (
        g.get("public_page")
        and request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not session
        and not session.modified
        and "csrf_token" not in g
        and not response.direct_passthrough
        and "Set-Cookie" not in response.headers
        and not current_app.config.get("TESTING_NO_PAGE_CACHE")
    ):
        response.headers[STORE_HEADER] = "store"
    if g.get("public_page"):
        response.vary.add("Cookie")
    return response


def _encoding(environ) -> str:
    accepted = environ.get("HTTP_ACCEPT_ENCODING", "")
    return "br" if "br" in accepted else "gzip" if "gzip" in accepted else "identity"


class PageCache:
    """The cache backend where an error is a miss and a failed store is
    skipped. After an error the backend is left alone for RETRY_SECONDS (a
    Redis that is away costs no request a timeout); the outage and the return
    are logged once each (`outages`)."""

    def __init__(self, app: Flask):
        self.backend = app.extensions["cache"][cache]
        url = app.config.get("CACHE_REDIS_URL") or ""
        self.service = service_name(url) if "Redis" in app.config["CACHE_TYPE"] else "page cache"
        self._retry_at = 0.0

    def _call(self, method: str, *args, **kwargs):
        if self._retry_at and time.monotonic() < self._retry_at:
            return None
        try:
            result = getattr(self.backend, method)(*args, **kwargs)
        except Exception as error:
            self._retry_at = time.monotonic() + RETRY_SECONDS
            outages.failed(self.service, "page cache", error)
            return None
        if self._retry_at:
            self._retry_at = 0.0
            outages.recovered(self.service, "page cache")
            # A write while the cache was away could not start a new
            # generation: start one now, so no page from before is served.
            self.new_generation()
        return result

    def get(self, key: str):
        return self._call("get", key)

    def set(self, key: str, value, timeout: int) -> None:
        self._call("set", key, value, timeout=timeout)

    def new_generation(self) -> None:
        """Every cached page key changes."""
        if self._call("get", GENERATION_KEY) is None:
            self._call("set", GENERATION_KEY, 1, timeout=0)
        self._call("inc", GENERATION_KEY)


class PageCacheMiddleware:
    def __init__(self, app: Flask):
        self.app = app
        self.wsgi_app = app.wsgi_app
        self.backend = app.extensions["page_cache"]
        self.timeout = app.config["PAGE_CACHE_SECONDS"]
        self.languages = app.config["LANGUAGES"]
        self.default_language = app.config["BABEL_DEFAULT_LOCALE"]
        self.private_cookies = {
            app.config.get("SESSION_COOKIE_NAME", "session"),
            app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
        }

    def _key(self, environ, cookies) -> str:
        from shop.i18n.locale import COOKIE, choose_language, language_in_query

        query = environ.get("QUERY_STRING", "")
        # The same rule as the locale selector: `?hl=` first, then the cookie.
        language = choose_language(
            language_in_query(query),
            cookies.get(COOKIE, ""),
            self.languages,
            self.default_language,
        )
        generation = self.backend.get(GENERATION_KEY) or 0
        host = environ.get("HTTP_HOST", "")
        path = environ.get("PATH_INFO", "")
        return f"page:{language}:{_encoding(environ)}:{generation}:{host}{path}?{query}"

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
            or environ.get("PATH_INFO") in UNCACHED_PATHS
        ):
            return self.wsgi_app(environ, start_response)
        cookies = parse_cookie(environ)
        if self.private_cookies & set(cookies):
            return self.wsgi_app(environ, start_response)
        key = self._key(environ, cookies)
        hit = self.backend.get(key)
        if hit is not None:
            status, headers, body = hit
            start_response(status, headers)
            return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]

        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            kept = [(k, v) for k, v in headers if k != STORE_HEADER]
            return start_response(status, kept, exc_info)

        body_iter = self.wsgi_app(environ, capture)
        headers = captured.get("headers", [])
        storable = (STORE_HEADER, "store") in headers and environ["REQUEST_METHOD"] == "GET"
        if not storable or any(name.lower() == "set-cookie" for name, _ in headers):
            return body_iter
        try:
            body = b"".join(body_iter)
        finally:
            close = getattr(body_iter, "close", None)
            if close is not None:
                close()
        kept = [(k, v) for k, v in headers if k != STORE_HEADER]
        self.backend.set(key, (captured["status"], kept, body), timeout=self.timeout)
        return [body]


def invalidate_public_pages() -> None:
    """Start a new generation: every cached page key changes. A cache that is
    away never fails the write that changed the data (PageCache)."""
    current_app.extensions["page_cache"].new_generation()


def mark_public_change() -> None:
    """Services call this when a write changes public pages; the page cache is
    invalidated only once the transaction commits (never for a rollback)."""
    from shop.extensions import db

    db.session.info["public_changed"] = True


def _after_commit(session) -> None:
    if session.info.pop("public_changed", False):
        invalidate_public_pages()


def _after_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop("public_changed", None)


# Registered on the Session by shop.session_hooks.install (create_app).
SESSION_HOOKS = (
    ("after_commit", _after_commit),
    ("after_soft_rollback", _after_rollback),
)


def install(app: Flask) -> None:
    app.extensions["page_cache"] = PageCache(app)
    app.after_request(mark_storable)
    app.wsgi_app = PageCacheMiddleware(app)
