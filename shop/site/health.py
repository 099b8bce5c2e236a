"""Readiness: can this process serve the site now? The database, Redis (the
rate limits' and the page cache's, when configured) and the file storage, each
asked once with a short timeout."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import current_app
from sqlalchemy import text

log = logging.getLogger("shop.health")

REDIS_CACHES = ("RedisCache", "RedisSentinelCache", "RedisClusterCache")
REDIS_SCHEMES = ("redis://", "rediss://", "redis+sentinel://", "redis+cluster://", "redis+unix://")


def _database() -> None:
    from shop.extensions import db

    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _rate_limits() -> None:
    from shop.extensions import limiter

    # The configured storage itself, not the in-memory stand-in of an outage.
    if not limiter.storage.check():
        raise ConnectionError("the rate limit storage does not answer")


def _page_cache() -> None:
    from shop.extensions import cache

    backend = current_app.extensions["cache"][cache]
    client = getattr(backend, "_write_client", None)
    if client is None or not client.ping():
        raise ConnectionError("the cache does not answer")


def _storage() -> None:
    from shop.media.storage import get_storage

    storage = get_storage()
    check = getattr(storage, "check", None)
    if callable(check):
        check()
    else:
        storage.exists(".readyz-probe")


def checks() -> dict[str, Callable[[], None]]:
    """The checks that apply to this app's settings, by name."""
    config = current_app.config
    found = {"database": _database}
    if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith(REDIS_SCHEMES):
        found["rate_limits"] = _rate_limits
    if config.get("CACHE_TYPE") in REDIS_CACHES:
        found["page_cache"] = _page_cache
    found["storage"] = _storage
    return found


def readiness() -> tuple[bool, dict[str, str]]:
    """(all fine, {check: "ok" or "failed: <kind of error>"})."""
    results = {}
    for name, check in checks().items():
        try:
            check()
        except Exception as error:
            log.debug("readiness check %s failed: %s", name, error)
            results[name] = f"failed: {type(error).__name__}"
        else:
            results[name] = "ok"
    return all(result == "ok" for result in results.values()), results
