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

import gzip
import secrets
import time
from datetime import date, timedelta
from functools import wraps

import brotli
from flask import Flask, current_app, g, request, session
from itsdangerous import BadSignature
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_cookie

from shop.core import personal
from shop.core.clock import jakarta_today, midnight_utc
from shop.core.personal import PARTS_KEY, Visitor, fill, visitor_of_cookie
from shop.db import utcnow
from shop.extensions import cache
from shop.outages import outages, service_name
from shop.security import PRIVATE

GENERATION_KEY = "page-generation"
STORE_HEADER = "X-Etalase-Page-Cache"
# A public page the service worker may keep for offline reading (static/js/sw.js).
OFFLINE_HEADER = "X-Etalase-Offline"
# Answered by the app itself every time: a load balancer's probes.
UNCACHED_PATHS = frozenset({"/healthz", "/readyz"})
# Headers of one stored body, not of a page filled for someone.
PER_BODY_HEADERS = frozenset({"content-length", "content-encoding", "etag", "cache-control"})
# After a cache error, how long requests leave the cache alone before trying it again.
RETRY_SECONDS = 5.0
# What a process keeps of its own, so a visitor with a session costs no
# unpickling, no signature check and no URL match that it made before: the
# parts entries last fetched (each until the shared entry's own expiry), the
# session cookies whose signature it checked (each value is signed data: the
# same value is the same data) and whether a path is a public page. Each is
# emptied when it holds this many.
KEPT_PAGES = 256
KEPT_SESSIONS = 10_000
KEPT_PATHS = 4096


def public_page(view):
    """Let the page cache keep this view's response for anonymous visitors
    (and fill it for everyone else: shop.core.personal)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.public_page = True
        return view(*args, **kwargs)

    wrapper.public_page = True
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
        response.vary.add("Save-Data")  # shop.media.data_saver rewrites it for some
        if response.status_code == 200 and response.mimetype == "text/html":
            response.headers[OFFLINE_HEADER] = "keep"
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

    def generation(self) -> int:
        """The number in every page key. Where the cache has none (new, or
        emptied: a Redis restarted or flushed) it starts at a random number,
        so a key never names a page of an earlier count, which a process may
        still keep (`PageCacheMiddleware._parts_entry`)."""
        found = self._call("get", GENERATION_KEY)
        if found is None:
            self._call("add", GENERATION_KEY, secrets.randbits(48), timeout=0)
            found = self._call("get", GENERATION_KEY)
        return found or 0

    def new_generation(self) -> None:
        """Every cached page key changes."""
        self.generation()
        self._call("inc", GENERATION_KEY)


class PageCacheMiddleware:
    """Answers public pages from the cache, outside Flask.

    An anonymous visitor gets the stored response whole. A visitor with a
    session (a cart, a login, a message) on a public page gets the anonymous
    page's parts (`shop.core.personal`) with their own parts put in: from
    their signed session cookie when that says everything, else through
    Flask, which fills the kept page without rendering it again. What is
    stored always comes from an anonymous render; nothing of a visitor's own
    is ever stored.
    """

    def __init__(self, app: Flask):
        self.app = app
        self.wsgi_app = app.wsgi_app
        self.backend = app.extensions["page_cache"]
        self.timeout = app.config["PAGE_CACHE_SECONDS"]
        self.languages = app.config["LANGUAGES"]
        self.default_language = app.config["BABEL_DEFAULT_LOCALE"]
        self.session_cookie = app.config.get("SESSION_COOKIE_NAME", "session")
        self.remember_cookie = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        self.private_cookies = {self.session_cookie, self.remember_cookie}
        self._serializer = None
        self._kept_pages: dict[str, tuple[float, tuple]] = {}
        self._kept_sessions: dict[str, tuple[dict, float]] = {}
        self._public_paths: dict[tuple[str, str], bool] = {}

    def _language(self, environ, cookies) -> str:
        from shop.i18n.locale import COOKIE, choose_language, language_in_query

        # The same rule as the locale selector: `?hl=` first, then the cookie.
        return choose_language(
            language_in_query(environ.get("QUERY_STRING", "")),
            cookies.get(COOKIE, ""),
            self.languages,
            self.default_language,
        )

    def _key(self, environ, language: str, encoding: str) -> str:
        generation = self.backend.generation()
        host = environ.get("HTTP_HOST", "")
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        return f"page:{language}:{encoding}:{generation}:{host}{path}?{query}"

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
            or environ.get("PATH_INFO") in UNCACHED_PATHS
        ):
            return self.wsgi_app(environ, start_response)
        cookies = parse_cookie(environ)
        if self.private_cookies & set(cookies):
            return self._personal(environ, start_response, cookies)
        language = self._language(environ, cookies)
        key = self._key(environ, language, _encoding(environ))
        hit = self.backend.get(key)
        if hit is not None:
            status, headers, body = hit
            start_response(status, headers)
            return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        return self._render(environ, start_response, language)

    def _render(self, environ, start_response, language: str):
        """Flask's answer; a storable one is stored whole, and its parts apart."""
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
        self.backend.set(
            self._key(environ, language, _encoding(environ)),
            (captured["status"], kept, body),
            timeout=self.timeout,
        )
        parts = environ.get(PARTS_KEY)
        if parts is not None:
            own = [(k, v) for k, v in kept if k.lower() not in PER_BODY_HEADERS]
            # With its expiry, so a process keeping it (`_parts_entry`) keeps
            # it no longer than the shared cache does.
            expires = time.time() + self.timeout if self.timeout > 0 else float("inf")
            self.backend.set(
                self._key(environ, language, "parts"),
                (captured["status"], own, parts, expires),
                timeout=self.timeout,
            )
        return [body]

    def _is_public(self, environ) -> bool:
        where = (environ.get("HTTP_HOST", ""), environ.get("PATH_INFO", ""))
        known = self._public_paths.get(where)
        if known is None:
            try:
                endpoint, _ = self.app.url_map.bind_to_environ(environ).match()
            except HTTPException:
                known = False
            else:
                known = getattr(self.app.view_functions.get(endpoint), "public_page", False)
            if len(self._public_paths) >= KEPT_PATHS:
                self._public_paths.clear()
            self._public_paths[where] = known
        return known

    def _parts_entry(self, key: str):
        """The parts entry of a key, as this process last fetched it until it
        expires (a key names one generation's page: it never changes)."""
        kept = self._kept_pages.get(key)
        if kept is not None and kept[0] > time.time():
            return kept[1]
        entry = self.backend.get(key)
        if entry is not None and len(entry) == 4:
            if len(self._kept_pages) >= KEPT_PAGES:
                self._kept_pages.clear()
            self._kept_pages[key] = (entry[3], entry)
        return entry

    def _personal(self, environ, start_response, cookies):
        """A public page for a visitor with a session: the anonymous page's
        parts with the visitor's own put in."""
        if not self._is_public(environ):
            return self.wsgi_app(environ, start_response)
        language = self._language(environ, cookies)
        key = self._key(environ, language, "parts")
        entry = self._parts_entry(key)
        if entry is None:
            self._render_anonymous(environ, cookies, language)
            entry = self._parts_entry(key)
            if entry is None:  # not a page for everyone: Flask answers this visitor
                return self.wsgi_app(environ, start_response)
        status, headers, parts = entry[:3]
        visitor = self._visitor(cookies)
        if visitor is None:  # only Flask can tell (a message, a login to renew)
            environ[PARTS_KEY] = parts
            return self.wsgi_app(environ, start_response)
        page = fill(parts, visitor, language, environ.get("SCRIPT_NAME", ""), app=self.app)
        body, encoding = _compress(page.encode(), _encoding(environ))
        headers = [*headers, ("Cache-Control", PRIVATE), ("Content-Length", str(len(body)))]
        if encoding != "identity":
            headers.append(("Content-Encoding", encoding))
        start_response(status, headers)
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _render_anonymous(self, environ, cookies, language: str) -> None:
        """Render the page as a visitor without a session sees it, to store it."""
        anonymous = dict(environ)
        kept = [f"{k}={v}" for k, v in cookies.items() if k not in self.private_cookies]
        anonymous.pop("HTTP_COOKIE", None)
        if kept:
            anonymous["HTTP_COOKIE"] = "; ".join(kept)
        anonymous["REQUEST_METHOD"] = "GET"
        body = self._render(anonymous, lambda status, headers, exc_info=None: None, language)
        close = getattr(body, "close", None)
        if close is not None:
            close()

    def _visitor(self, cookies) -> Visitor | None:
        """The visitor of a valid session cookie, when it says everything."""
        value = cookies.get(self.session_cookie)
        if not value:  # a remember-me cookie alone: Flask logs the person in again
            return None
        data = self._session_data(value)
        if not isinstance(data, dict) or (
            self.remember_cookie in cookies and "_user_id" not in data
        ):
            return None
        return visitor_of_cookie(data, self.app)

    def _session_data(self, value: str):
        """What a session cookie holds when its signature is good and it has
        not expired (as Flask's session would read it); None otherwise."""
        lifetime = self.app.permanent_session_lifetime.total_seconds()
        kept = self._kept_sessions.get(value)
        if kept is not None:
            data, signed_at = kept
            return data if time.time() - signed_at <= lifetime else None
        if self._serializer is None:
            self._serializer = self.app.session_interface.get_signing_serializer(self.app)
        try:
            data, signed = self._serializer.loads(
                value, max_age=int(lifetime), return_timestamp=True
            )
        except BadSignature:
            return None
        if len(self._kept_sessions) >= KEPT_SESSIONS:
            self._kept_sessions.clear()
        self._kept_sessions[value] = (data, signed.timestamp())
        return data


def _compress(body: bytes, encoding: str) -> tuple[bytes, str]:
    """A personalised page, compressed fast (it is made for one request)."""
    if encoding == "br":
        return brotli.compress(body, quality=1), "br"
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=1), "gzip"
    return body, "identity"


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
    personal.install(app)
    app.wsgi_app = PageCacheMiddleware(app)
