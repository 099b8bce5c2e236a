"""What a test of one migration needs: an empty database of its own (a SQLite
file, or `<test db>_<suffix>` on PostgreSQL) and an app on it, not migrated."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import sqlalchemy as sa

from shop import create_app
from tests.conftest import _reset_database, side_database_url

MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "..", "migrations")


def empty_database_app(tmp_path_factory, suffix: str):
    url = side_database_url(suffix) or f"sqlite:///{tmp_path_factory.mktemp(suffix) / 'm.db'}"
    _reset_database(url)
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "SQLALCHEMY_DATABASE_URI": url,
            "CACHE_TYPE": "SimpleCache",
        }
    )


def filled_row(table: sa.Table, **values) -> dict:
    """A row with every required column filled (the schema as at 0005)."""
    now = datetime.now(UTC)
    row = {}
    for column in table.columns:
        if column.primary_key or column.nullable or column.server_default is not None:
            continue
        if isinstance(column.type, sa.Boolean):
            row[column.name] = False
        elif isinstance(column.type, sa.Integer):
            row[column.name] = 0
        elif isinstance(column.type, sa.DateTime):
            row[column.name] = now
        else:
            row[column.name] = ""
    row.update(values)
    return row
