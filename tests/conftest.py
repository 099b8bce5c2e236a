"""Test fixtures: one migrated database per run, each test inside a rolled-back transaction.

DATABASE_URL picks the engine (SQLite file by default, PostgreSQL in CI's
second run). The schema is built by running the migrations, never create_all.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import pytest
import time_machine
from flask import has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool

import shop.models  # noqa: F401  (every model registered before a test module maps one)
from shop import create_app
from shop.extensions import cache, db
from tests.fakes.http import serve_wsgi

TEST_DATABASE_URL = os.environ.get("DATABASE_URL", "")


def pytest_collection_modifyitems(config, items):
    """Tests of one engine's own index run in that engine's suite run (CI runs
    both); in the other run they are deselected, not skipped."""
    backend = "postgresql" if TEST_DATABASE_URL.startswith("postgresql") else "sqlite"
    other = {"postgresql": "sqlite_only", "sqlite": "postgresql_only"}[backend]
    selected = [item for item in items if other not in item.keywords]
    deselected = [item for item in items if other in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def _reset_database(url: str) -> None:
    """Empty the database so migrations start from nothing."""
    if url.startswith("postgresql"):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


def app_config(base, **overrides) -> dict:
    """The app's configuration in tests; files go below the folder `base`."""
    url = TEST_DATABASE_URL or f"sqlite:///{base / 'test.db'}"
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "MEDIA_ROOT": str(base / "media"),
        "SERVER_NAME": None,
        # The limiter stays on; the log-in limit is lifted except where a
        # test sets it back (many tests log in from 127.0.0.1 in a minute).
        "LOGIN_RATE_LIMIT": "10000 per minute",
        "CHECKOUT_RATE_LIMIT": "10000 per minute",
        "LOOKUP_RATE_LIMIT": "10000 per minute",
        "TRACKING_RATE_LIMIT": "10000 per minute",
        "PROOF_UPLOAD_RATE_LIMIT": "10000 per minute",
        "CACHE_TYPE": "SimpleCache",
        "FORCE_HTTPS": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "WTF_CSRF_SSL_STRICT": False,
        "PUBLIC_URL": "http://etalase.test",
        "MAIL_SERVER": "",
        "NOTIFY_IN_PROCESS": False,
        **overrides,
    }


def make_test_app(tmp_path_factory, name: str, **overrides):
    config = app_config(tmp_path_factory.mktemp(name), **overrides)
    _reset_database(config["SQLALCHEMY_DATABASE_URI"])
    app = create_app(config)
    app.test_client_class = EtalaseTestClient
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    return app


def side_database_url(suffix: str) -> str:
    """A database of its own for a live server (it commits for real and serves
    from other threads): a new SQLite file, or `<test db>_<suffix>` on PostgreSQL."""
    if not TEST_DATABASE_URL.startswith("postgresql"):
        return ""
    parts = urlsplit(TEST_DATABASE_URL)
    name = f"{parts.path.lstrip('/')}_{suffix}"
    admin = create_engine(
        urlunsplit(parts._replace(path="/postgres")), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return urlunsplit(parts._replace(path="/" + name))


@contextmanager
def serve(app):
    """Serve `app` on 127.0.0.1 in a thread (threaded: requests run at once);
    its database connections are closed when it stops."""
    try:
        with serve_wsgi(app) as url:
            yield url
    finally:
        with app.app_context():
            db.engine.dispose()


def make_live_app(tmp_path_factory, suffix: str, **overrides):
    url = side_database_url(suffix)
    if url:
        overrides["SQLALCHEMY_DATABASE_URI"] = url
    # No pool: a request thread's connection closes when its request ends, so
    # none is left open when the server stops.
    overrides.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"poolclass": NullPool})
    return make_test_app(
        tmp_path_factory, suffix, TESTING=False, PROPAGATE_EXCEPTIONS=False, **overrides
    )


@contextmanager
def live_site(tmp_path_factory, suffix: str, seed, **overrides):
    """A live app with a database of its own, filled by `seed()` (inside its
    application context, then committed) and served: yields (app, url, what
    `seed` returned)."""
    app = make_live_app(tmp_path_factory, suffix, **overrides)
    with app.app_context():
        seeded = seed()
        db.session.commit()
    with serve(app) as url:
        yield app, url, seeded


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = make_test_app(tmp_path_factory, "app")
    yield app
    with app.app_context():
        db.engine.dispose()


class _ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy's session picks the engine for every mapped class,
    which would escape the test's transaction: use the bound connection."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


@pytest.fixture(autouse=True)
def _db_transaction(request):
    """Every test runs in a transaction that is rolled back afterwards.

    Views still call db.session.commit(): with join_transaction_mode
    "create_savepoint" that commits a savepoint inside the outer transaction.
    Unit tests have no database; live-server tests have their own.
    """
    if {"browser", "no_db_transaction", "unit"} & set(request.keywords):
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        # Deferred on SQLite: the test's transaction takes the write lock only
        # when it writes, so a second connection in the test may still read.
        connection = db.engine.connect().execution_options(sqlite_deferred_begin=True)
        transaction = connection.begin()
        options = {
            "bind": connection,
            "binds": {},
            "join_transaction_mode": "create_savepoint",
            "class_": _ConnectionBoundSession,
        }
        old_session = db.session
        db.session = db._make_scoped_session(options)
        try:
            yield
        finally:
            db.session.remove()
            db.session = old_session
            transaction.rollback()
            connection.close()
            cache.clear()


# 12.00 WIB on Sunday 10 May 2026: where `clock` stops time.
CLOCK_START = datetime(2026, 5, 10, 5, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    """Time stopped at CLOCK_START for the whole process (the app's `utcnow`,
    `date.today()`, `time.time()` and so the caches' lifetimes) until the test
    moves it: `clock.move_to(datetime)`, `clock.shift(timedelta)`."""
    with time_machine.travel(CLOCK_START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def app_ctx(app):
    with app.test_request_context():
        yield


class EtalaseTestClient(FlaskClient):
    """The Flask test client as a browser behaves.

    Each request gets its own application context (as in production), so
    nothing cached in `g` (the current user, the locale, the CSRF token)
    leaks from one request into the next; afterwards the test's own session
    forgets what it had loaded, so it sees what the request wrote. POSTs carry
    the CSRF token of the session, as a browser's form would (CSRF stays on).
    """

    TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response

    def csrf_token(self) -> str:
        # The login form when logged out; when logged in, the page it
        # redirects to carries the log-out form's token.
        page = self.get("/masuk", follow_redirects=True)
        match = self.TOKEN_RE.search(page.get_data(as_text=True))
        assert match, "no CSRF token on the page"
        return match.group(1)

    def post(self, url, data=None, csrf=True, **kwargs):
        if data is None and "json" not in kwargs:
            data = {}
        if isinstance(data, dict):
            data = dict(data)
            if csrf and "csrf_token" not in data:
                data["csrf_token"] = self.csrf_token()
        return super().post(url, data=data, **kwargs)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login_as(client):
    """Log the test client in as a user (through the real login form)."""

    def _login(user, password="rahasia-123"):
        response = client.post(
            "/masuk", data={"login": user.phone or user.email, "password": password}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return _login


@pytest.fixture
def count_queries(app):
    """`with count_queries() as q: ...` then `q.count` is the SQL statements run."""

    @contextmanager
    def _count():
        class Counter:
            count = 0
            statements: list[str] = []

        counter = Counter()
        counter.statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if statement.strip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                return
            counter.count += 1
            counter.statements.append(statement)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return _count
