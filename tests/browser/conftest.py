"""Browser tests: Playwright driving Debian's Chromium against a live server.

The live server has its own database (a separate SQLite file, or a separate
PostgreSQL database next to the test one), because it commits for real and
serves from another thread.
"""

from __future__ import annotations

import os
import shutil
import threading
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from shop.extensions import db
from tests.conftest import make_test_app

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _browser_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        return ""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_browser"
    admin = create_engine(
        urlunsplit(parts._replace(path="/postgres")), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return urlunsplit(parts._replace(path="/" + name))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    overrides = {"TESTING": False, "PROPAGATE_EXCEPTIONS": False}
    url = _browser_database_url()
    if url:
        overrides["SQLALCHEMY_DATABASE_URI"] = url
        os.environ["DATABASE_URL_BROWSER"] = url
    app = make_test_app(tmp_path_factory, "browser", **overrides)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make browser-deps` (apt install chromium)"
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    }


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
