"""Migration 0006 gives every existing group and product a unique short code."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from shop.extensions import db
from tests.integration.migration_support import MIGRATIONS, empty_database_app, filled_row


@pytest.mark.no_db_transaction
def test_upgrade_from_0005_fills_unique_codes(tmp_path_factory):
    app = empty_database_app(tmp_path_factory, "migration")
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0005")
        metadata = sa.MetaData()
        group = sa.Table("group", metadata, autoload_with=db.engine)
        product = sa.Table("product", metadata, autoload_with=db.engine)
        with db.engine.begin() as conn:
            for g in range(12):
                group_id = conn.execute(
                    group.insert().values(
                        filled_row(
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
                            filled_row(
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
