"""Migration 0006 gives every existing group and product a unique short code."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from shop import create_app
from shop.extensions import db
from tests.conftest import _reset_database, side_database_url

MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "migrations")


def _filled(table: sa.Table, **values) -> dict:
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


@pytest.mark.no_db_transaction
def test_upgrade_from_0005_fills_unique_codes(tmp_path_factory):
    url = side_database_url("migration") or f"sqlite:///{tmp_path_factory.mktemp('mig') / 'm.db'}"
    _reset_database(url)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "SQLALCHEMY_DATABASE_URI": url,
            "CACHE_TYPE": "SimpleCache",
        }
    )
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0005")
        metadata = sa.MetaData()
        group = sa.Table("group", metadata, autoload_with=db.engine)
        product = sa.Table("product", metadata, autoload_with=db.engine)
        with db.engine.begin() as conn:
            for g in range(12):
                group_id = conn.execute(
                    group.insert().values(
                        _filled(
                            group,
                            slug=f"k-{g}",
                            name=f"Kelompok {g}",
                            programme="uppka",
                            status="active",
                            province_code="15",
                            regency_code="15.05",
                        )
                    )
                ).inserted_primary_key[0]
                for p in range(5):
                    conn.execute(
                        product.insert().values(
                            _filled(
                                product,
                                group_id=group_id,
                                slug=f"p-{p}",
                                name=f"Produk {p}",
                                category="makanan",
                                status="published",
                            )
                        )
                    )
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            group_codes = conn.execute(sa.text('SELECT short_code FROM "group"')).scalars().all()
            product_codes = conn.execute(sa.text("SELECT short_code FROM product")).scalars().all()
            # Nothing was lost on the way (no table rebuild cascading deletes).
            assert conn.execute(sa.text("SELECT count(*) FROM product")).scalar() == 60
        db.engine.dispose()
    assert len(group_codes) == 12 and len(set(group_codes)) == 12
    assert len(product_codes) == 60 and len(set(product_codes)) == 60
    assert all(len(c) == 5 for c in group_codes) and all(len(c) == 6 for c in product_codes)
    alphabet = set("23456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert all(set(c) <= alphabet for c in group_codes + product_codes)
