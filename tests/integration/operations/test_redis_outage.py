"""Redis stops while the site is serving: pages, log-in and checkout go on
(rate limits in memory, no page cache), one warning says so, and when Redis
is back the shared limits and page cache work again without a restart."""

from __future__ import annotations

import logging
import time

import pytest
import requests

from shop import create_app
from tests.conftest import make_live_app, serve
from tests.http_client import check_out, log_in
from tests.redis_server import RedisServer

pytestmark = [
    pytest.mark.no_db_transaction,
    pytest.mark.skipif(not RedisServer.available(), reason="needs redis-server"),
]

PHONE, LOCAL_PHONE = "+6285700002222", "085700002222"
LIMITS_DB, CACHE_DB = 0, 1


@pytest.fixture(autouse=True)
def _limiter_back_in_memory(tmp_path):
    """The limiter is one object shared by every app a test run builds: leave
    it counting in memory, not in a Redis that this module stopped."""
    yield
    create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'unused.db'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "FORCE_HTTPS": False,
        }
    )


@pytest.fixture
def redis_server():
    with RedisServer() as server:
        yield server


@pytest.fixture
def site(tmp_path_factory, redis_server):
    app = make_live_app(
        tmp_path_factory,
        "redis_outage",
        RATELIMIT_STORAGE_URI=redis_server.url_for(LIMITS_DB),
        CACHE_TYPE="RedisCache",
        CACHE_REDIS_URL=redis_server.url_for(CACHE_DB),
        LOGIN_RATE_LIMIT="6 per minute",
    )
    with app.app_context():
        from tests.factories import UserFactory, on_sale

        UserFactory(phone=PHONE)
        variant = on_sale("Kelompok Tahan Banting", "Keripik Tahan", price=15000, stock=50)
        ids = {"variant": variant.id, "group": variant.product.group_id}
    with serve(app) as base:
        yield base, ids


def browse(base: str) -> list[int]:
    """A visitor without cookies: the pages the page cache answers."""
    return [
        requests.get(f"{base}{path}", timeout=30).status_code
        for path in ("/", "/katalog", "/", "/katalog", "/healthz")
    ]


def outage_records(caplog) -> list[logging.LogRecord]:
    """What the log says about Redis: our outage lines, and anything from
    Flask-Limiter above its notes of refused requests."""
    return [
        r
        for r in caplog.records
        if r.name == "shop.outages" or (r.name == "flask-limiter" and r.levelno > logging.INFO)
    ]


def wrong_passwords(base: str, times: int) -> list[int]:
    return [log_in(base, LOCAL_PHONE, "salah-sekali-1")[1] for _ in range(times)]


def test_site_survives_redis_going_away_and_coming_back(site, redis_server, caplog):
    from tests.factories import PASSWORD

    caplog.set_level(logging.INFO)
    base, ids = site

    # Everything up: pages are cached in Redis, limits counted there.
    assert browse(base) == [200] * 5
    assert redis_server.keys(CACHE_DB, "*page:*")
    assert log_in(base, LOCAL_PHONE, PASSWORD)[1] == 302
    assert check_out(base, ids["variant"], ids["group"], 1) == (302, 303)
    assert redis_server.keys(LIMITS_DB, "LIMITS*")
    assert requests.get(f"{base}/readyz", timeout=10).status_code == 200

    redis_server.stop()
    started = time.monotonic()
    for _ in range(3):
        assert browse(base) == [200] * 5
    assert log_in(base, LOCAL_PHONE, PASSWORD)[1] == 302
    for n in range(2, 5):
        assert check_out(base, ids["variant"], ids["group"], n) == (302, 303)
    # A Redis that refuses costs no request a timeout.
    assert time.monotonic() - started < 20
    # Limits still hold, counted in this process: the seventh try of a minute is refused.
    assert wrong_passwords(base, 7)[-1] == 429
    ready = requests.get(f"{base}/readyz", timeout=10)
    assert ready.status_code == 503
    assert ready.json()["checks"]["rate_limits"].startswith("failed")
    assert ready.json()["checks"]["page_cache"].startswith("failed")
    assert ready.json()["checks"]["database"] == "ok"

    warnings = [r for r in outage_records(caplog) if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert f"127.0.0.1:{redis_server.port} is unreachable" in warnings[0].getMessage()

    # Redis is back (empty, same port); the app was never restarted.
    redis_server.start()
    deadline = time.monotonic() + 70  # Flask-Limiter retries its storage after 1, 2 … 32 s
    while not redis_server.keys(LIMITS_DB, "LIMITS*"):
        assert time.monotonic() < deadline, "rate limits never went back to Redis"
        wrong_passwords(base, 1)
        time.sleep(1)
    # The limits are shared again: counted in Redis, so a low limit refuses once more.
    assert 429 in wrong_passwords(base, 7)
    # And so is the page cache: a page rendered now is kept in Redis for every process.
    deadline = time.monotonic() + 15
    while not redis_server.keys(CACHE_DB, "*page:*"):
        assert time.monotonic() < deadline, "the page cache never went back to Redis"
        browse(base)
        time.sleep(0.5)
    assert requests.get(f"{base}/readyz", timeout=10).status_code == 200

    records = outage_records(caplog)
    assert [r.levelname for r in records] == ["WARNING", "INFO"], [r.getMessage() for r in records]
    assert "answers again" in records[1].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_site_starts_while_redis_is_away(tmp_path_factory, caplog):
    """A worker (re)started during the outage serves too."""
    nowhere = RedisServer()  # never started: its port refuses
    app = make_live_app(
        tmp_path_factory,
        "redis_never",
        RATELIMIT_STORAGE_URI=nowhere.url_for(0),
        CACHE_TYPE="RedisCache",
        CACHE_REDIS_URL=nowhere.url_for(1),
    )
    with serve(app) as base:
        assert browse(base) == [200] * 5
        assert log_in(base, "081200000000", "nobody-here-1")[1] == 200
        assert requests.get(f"{base}/readyz", timeout=10).status_code == 503
