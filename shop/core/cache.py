"""Whole-page cache for anonymous visitors of public pages.

A page is served from the cache only when it is the same for everyone who
asks in that language: the visitor is not logged in, carries no session (no
cart, no flash message), and the page rendered no CSRF token. The key holds
the language and a generation number that every catalogue or group write
bumps (`invalidate_public_pages`), so a change shows at once where the cache
is shared (Redis); with a per-process cache (several workers without Redis) a
page is at most PAGE_CACHE_SECONDS old.
"""

from __future__ import annotations

from functools import wraps

from flask import current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user

from shop.extensions import cache

GENERATION_KEY = "page-generation"


def _generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = 1
        cache.set(GENERATION_KEY, value, timeout=0)
    return int(value)


def invalidate_public_pages() -> None:
    """Called after a write that changes what public pages show."""
    try:
        cache.cache.inc(GENERATION_KEY)
    except Exception:  # a cache outage must never fail the write that changed data
        current_app.logger.exception("page cache invalidation failed")


def _cacheable_request() -> bool:
    if request.method not in ("GET", "HEAD") or current_app.config.get("TESTING_NO_PAGE_CACHE"):
        return False
    if session or current_user.is_authenticated:
        return False
    return True


def public_page(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not _cacheable_request():
            return view(*args, **kwargs)
        key = f"page:{get_locale()}:{_generation()}:{request.full_path}"
        hit = cache.get(key)
        if hit is not None:
            body, mimetype = hit
            response = current_app.response_class(body, mimetype=mimetype)
        else:
            response = make_response(view(*args, **kwargs))
            if (
                response.status_code == 200
                and not session.modified
                and not session
                and "csrf_token" not in g
                and not response.direct_passthrough
            ):
                cache.set(
                    key,
                    (response.get_data(), response.mimetype),
                    timeout=current_app.config["PAGE_CACHE_SECONDS"],
                )
        response.vary.add("Cookie")
        response.cache_control.no_cache = None
        return response

    return wrapper


def mark_public_change() -> None:
    """Services call this when a write changes public pages; the page cache is
    invalidated only once the transaction commits (never for a rollback)."""
    from shop.extensions import db

    db.session.info["public_changed"] = True


def install_invalidation_hook() -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if getattr(install_invalidation_hook, "done", False):
        return
    install_invalidation_hook.done = True

    @event.listens_for(Session, "after_commit")
    def _after_commit(session):
        if session.info.pop("public_changed", False):
            invalidate_public_pages()

    @event.listens_for(Session, "after_soft_rollback")
    def _after_rollback(session, previous_transaction):
        if previous_transaction.parent is None:
            session.info.pop("public_changed", None)
