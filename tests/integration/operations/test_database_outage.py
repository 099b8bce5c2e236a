"""The database goes away under a served app: pages answer 503 in the
visitor's language with Retry-After, nothing is half-written, and service is
back within seconds of the database, without restarting anything.

PostgreSQL: the app talks to the database through a TCP forwarder that the
test cuts (every connection dropped, new ones refused) and restores. SQLite:
the folder holding the database file is moved away and back, and a statement
in the middle of a checkout fails as SQLite fails when it cannot open its file.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from sqlalchemy import event, func, select
from sqlalchemy.pool import NullPool

from shop.extensions import db
from shop.orders.models import Order, OrderLine
from tests.conftest import TEST_DATABASE_URL, make_test_app, serve, side_database_url
from tests.http_client import add_to_cart, check_out, checkout_form, log_in, place
from tests.integration.operations.services import Forwarder

pytestmark = pytest.mark.no_db_transaction

PHONE, LOCAL_PHONE = "+6285700003333", "085700003333"
INDONESIAN, ENGLISH = "Sebentar lagi kembali", "Back in a moment"


class PostgresBehindForwarder:
    def __init__(self, tmp_path_factory):
        url = side_database_url("outage")
        parts = urlsplit(url)
        self.forwarder = Forwarder(parts.hostname or "127.0.0.1", parts.port or 5432)
        user = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
        self.app = make_test_app(
            tmp_path_factory,
            "db_outage",
            TESTING=False,
            PROPAGATE_EXCEPTIONS=False,
            SQLALCHEMY_DATABASE_URI=urlunsplit(
                parts._replace(netloc=f"{user}127.0.0.1:{self.forwarder.port}")
            ),
            # The production pool: broken connections must be thrown away.
            SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "pool_size": 3},
        )

    def cut(self):
        self.forwarder.cut()

    def fail_now(self):
        self.forwarder.cut()  # the statement about to run meets a dead connection

    def restore(self):
        self.forwarder.restore()

    def close(self):
        self.forwarder.close()


class SqliteInAFolder:
    def __init__(self, tmp_path_factory):
        self.folder = Path(tmp_path_factory.mktemp("db_outage_sqlite")) / "data"
        self.folder.mkdir()
        self.away = self.folder.with_name("away")
        self.app = make_test_app(
            tmp_path_factory,
            "db_outage",
            TESTING=False,
            PROPAGATE_EXCEPTIONS=False,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{self.folder / 'shop.db'}",
            # Each request opens the file, as a new pooled connection would.
            SQLALCHEMY_ENGINE_OPTIONS={"poolclass": NullPool},
        )

    def cut(self):
        self.folder.rename(self.away)

    def fail_now(self):
        self.cut()
        raise sqlite3.OperationalError("unable to open database file")

    def restore(self):
        self.away.rename(self.folder)

    def close(self):
        if self.away.exists():
            self.restore()


@pytest.fixture
def database(tmp_path_factory):
    backend = PostgresBehindForwarder if TEST_DATABASE_URL.startswith("postgresql") else None
    database = (backend or SqliteInAFolder)(tmp_path_factory)
    yield database
    database.close()


@pytest.fixture
def site(database):
    app = database.app
    with app.app_context():
        from tests.factories import UserFactory, on_sale

        UserFactory(phone=PHONE)
        variant = on_sale("Kelompok Tanpa Padam", "Dodol Tahan", price=12000, stock=20)
        ids = {"variant": variant.id, "group": variant.product.group_id}
    with serve(app) as base:
        yield base, ids


def counts(app) -> tuple[int, int]:
    with app.app_context():
        try:
            return (
                db.session.scalar(select(func.count()).select_from(Order)),
                db.session.scalar(select(func.count()).select_from(OrderLine)),
            )
        finally:
            db.session.remove()


def assert_unavailable(response: requests.Response, words: str) -> None:
    assert response.status_code == 503, response.text[:500]
    # 30 s, or later where a rate limit's window ends later (Flask-Limiter's headers).
    assert int(response.headers["Retry-After"]) >= 30
    assert "no-store" in response.headers["Cache-Control"]
    assert words in response.text
    assert "Traceback" not in response.text


def open_checkout(base: str, ids: dict) -> tuple[requests.Session, dict]:
    """A cart and a filled checkout form, ready to be placed."""
    http = requests.Session()
    add_to_cart(http, base, ids["variant"])
    html = http.get(f"{base}/checkout", timeout=30).text
    return http, checkout_form(html, ids["group"], name="Bu Padam", phone="081299990000")


def test_database_outage_is_a_503_and_service_comes_back(database, site, caplog):
    from tests.factories import PASSWORD

    caplog.set_level(logging.INFO)
    base, ids = site
    app = database.app
    assert requests.get(f"{base}/", timeout=30).status_code == 200  # now in the page cache
    member, status = log_in(base, LOCAL_PHONE, PASSWORD)
    assert status == 302
    buyer, form = open_checkout(base, ids)
    before = counts(app)

    database.cut()
    pages_are_503_but_cached_pages_and_liveness_answer(base, member, buyer, form)
    database.restore()
    service_comes_back(base, member)
    assert counts(app) == before

    # The database goes away half-way through placing an order: after the
    # order row is written, before its lines are. Nothing of it is kept.
    buyer, form = order_cut_midway(database, base, ids)
    database.restore()
    time.sleep(0.2)
    assert counts(app) == before
    # The same form goes through once the database is back.
    assert place(buyer, base, form).status_code == 303
    assert counts(app) == (before[0] + 1, before[1] + 1)
    assert check_out(base, ids["variant"], ids["group"], 7) == (302, 303)

    # One line when it goes, one when it is back; no tracebacks.
    outage_lines = [r for r in caplog.records if r.name == "shop.outages"]
    assert [r.levelname for r in outage_lines] == ["WARNING", "INFO"] * 2
    assert "The database is unreachable" in outage_lines[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def pages_are_503_but_cached_pages_and_liveness_answer(base, member, buyer, form) -> None:
    """With the database gone: 503 in the visitor's language, for visitors,
    a signed-in member and a checkout; the page cache and /healthz still
    answer, /readyz says the database failed."""
    assert_unavailable(requests.get(f"{base}/katalog", timeout=30), INDONESIAN)
    assert_unavailable(requests.get(f"{base}/katalog?hl=en", timeout=30), ENGLISH)
    english = requests.get(f"{base}/katalog?q=dodol", cookies={"lang": "en"}, timeout=30)
    assert_unavailable(english, ENGLISH)
    # A signed-in member: loading who they are is what fails; the page still draws.
    assert_unavailable(member.get(f"{base}/", timeout=30), INDONESIAN)
    assert_unavailable(place(buyer, base, form), INDONESIAN)
    # A page already in the page cache is still served to visitors.
    assert requests.get(f"{base}/", timeout=30).status_code == 200
    assert requests.get(f"{base}/healthz", timeout=30).status_code == 200
    ready = requests.get(f"{base}/readyz", timeout=30)
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"].startswith("failed")


def service_comes_back(base, member) -> None:
    """Within seconds of the database, for visitors, the member and /readyz."""
    started = time.monotonic()
    while requests.get(f"{base}/katalog", timeout=30).status_code != 200:
        assert time.monotonic() - started < 10, "the site did not come back with its database"
        time.sleep(0.2)
    assert member.get(f"{base}/", timeout=30).status_code == 200
    assert requests.get(f"{base}/readyz", timeout=30).status_code == 200


def order_cut_midway(database, base, ids) -> tuple[requests.Session, dict]:
    """A checkout placed while the database goes away just before the order's
    lines are written: a 503. The buyer and the form they sent."""
    with database.app.app_context():
        engine = db.engine

    def cut_midway(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO ORDER_LINE"):
            event.remove(engine, "before_cursor_execute", cut_midway)
            database.fail_now()

    event.listen(engine, "before_cursor_execute", cut_midway)
    buyer, form = open_checkout(base, ids)
    assert_unavailable(place(buyer, base, form), INDONESIAN)
    return buyer, form
