"""The unit tier: no database. `app` here is the test configuration over a
database nobody creates, for what needs an app (its config, a request
context, translations); a unit test that opens a database connection fails:
it belongs in tests/integration."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from shop import create_app
from tests.conftest import EtalaseTestClient, app_config

UNIT = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if UNIT in item.path.parents:
            item.add_marker(pytest.mark.unit)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    base = tmp_path_factory.mktemp("unit")
    app = create_app(app_config(base, SQLALCHEMY_DATABASE_URI=f"sqlite:///{base / 'none.db'}"))
    app.test_client_class = EtalaseTestClient
    return app


@pytest.fixture(autouse=True)
def _no_database():
    def refuse(*args, **kwargs):
        pytest.fail("a unit test opened a database connection: move it to tests/integration")

    event.listen(Engine, "engine_connect", refuse)
    try:
        yield
    finally:
        event.remove(Engine, "engine_connect", refuse)


@pytest.fixture(autouse=True)
def _app_context(request):
    """A test that asks for `app` runs inside its application context."""
    if "app" not in request.fixturenames:
        yield
        return
    with request.getfixturevalue("app").app_context():
        yield
