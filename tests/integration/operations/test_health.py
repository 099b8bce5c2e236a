"""/healthz (alive) and /readyz (the database, Redis and storage answer) as a
load balancer sees them, and which database errors are a 503 rather than a 500."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import psycopg
import pytest
from sqlalchemy import exc as sa_exc

from shop import create_app
from shop.config import ROOT
from shop.errors import database_unavailable


def test_probes_with_everything_up(client):
    alive = client.get("/healthz")
    assert alive.status_code == 200
    assert alive.json == {"status": "ok"}
    assert "no-store" in alive.headers["Cache-Control"]
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json == {"status": "ready", "checks": {"database": "ok", "storage": "ok"}}
    assert "no-store" in ready.headers["Cache-Control"]


def test_probes_are_never_rate_limited(client):
    assert {client.get("/readyz").status_code for _ in range(60)} == {200}
    assert "X-RateLimit-Limit" not in client.get("/readyz").headers


@pytest.mark.no_db_transaction
def test_readyz_names_the_storage_when_it_fails(tmp_path):
    not_a_folder = tmp_path / "media"
    not_a_folder.write_text("a file where the media folder should be")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}",
            "MEDIA_ROOT": str(not_a_folder),
            "FORCE_HTTPS": False,
        }
    )
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503
    assert ready.json["status"] == "not ready"
    assert ready.json["checks"]["database"] == "ok"
    assert ready.json["checks"]["storage"].startswith("failed")


PROBE_UNDER_HTTPS = """
import json
from shop import create_app

app = create_app({
    "SECRET_KEY": "x" * 40,
    "SQLALCHEMY_DATABASE_URI": "sqlite:///%s",
    "MEDIA_ROOT": %r,
    "FORCE_HTTPS": True,
})
client = app.test_client()
print(json.dumps({path: client.get(path).status_code for path in ("/healthz", "/readyz", "/")}))
"""


def test_probes_answer_plain_http_when_https_is_forced(tmp_path):
    """A load balancer probes the app over plain HTTP behind the TLS proxy: no
    redirect for the probes, while pages still go to https. (Its own process:
    the HTTPS setting lives in a shared extension.)"""
    script = PROBE_UNDER_HTTPS % (tmp_path / "probe.db", str(tmp_path / "media"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ETALASE_INSTANCE_PATH": str(tmp_path)}
    env["ETALASE_ENV"] = "development"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    codes = json.loads(done.stdout.strip().splitlines()[-1])  # the last line: the codes
    assert codes == {"/healthz": 200, "/readyz": 200, "/": 302}


def _sqlite(message: str) -> sqlite3.OperationalError:
    return sqlite3.OperationalError(message)


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (sa_exc.OperationalError("SELECT 1", {}, _sqlite("unable to open database file")), True),
        (sa_exc.OperationalError("SELECT 1", {}, _sqlite("no such table: product")), False),
        (sa_exc.OperationalError("UPDATE", {}, _sqlite("database is locked")), True),
        (sa_exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE failed")), False),
        (sa_exc.ProgrammingError("SELEC", {}, sqlite3.ProgrammingError("syntax")), False),
        (sa_exc.OperationalError("SELECT 1", {}, psycopg.OperationalError("refused")), True),
        (sa_exc.InterfaceError("SELECT 1", {}, psycopg.InterfaceError("closed")), True),
        (
            sa_exc.OperationalError(
                "SELECT 1", {}, psycopg.errors.AdminShutdown("terminating connection")
            ),
            True,
        ),
        (sa_exc.OperationalError("UPDATE", {}, psycopg.errors.DeadlockDetected("x")), False),
        (
            sa_exc.DBAPIError(
                "SELECT 1", {}, psycopg.DatabaseError("gone"), connection_invalidated=True
            ),
            True,
        ),
        (sa_exc.TimeoutError("QueuePool limit reached"), True),
        (psycopg.OperationalError("connection failed"), True),
        (ValueError("a bug"), False),
        (None, False),
    ],
)
def test_only_connection_errors_are_unavailable(error, unavailable):
    assert database_unavailable(error) is unavailable


@pytest.mark.no_db_transaction
def test_a_database_bug_is_still_a_500_and_an_outage_a_503(tmp_path):
    app = create_app(
        {
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "FORCE_HTTPS": False,
            "PROPAGATE_EXCEPTIONS": False,
        }
    )

    @app.get("/_bug")
    def bug():
        raise sa_exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE failed"))

    @app.get("/_outage")
    def outage():
        raise sa_exc.OperationalError("SELECT 1", {}, _sqlite("unable to open database file"))

    client = app.test_client()
    bug_page = client.get("/_bug")
    assert bug_page.status_code == 500
    assert "Retry-After" not in bug_page.headers
    client.set_cookie("lang", "en")
    outage_page = client.get("/_outage")
    assert outage_page.status_code == 503
    assert outage_page.headers["Retry-After"] == "30"
    assert "Back in a moment" in outage_page.get_data(as_text=True)
