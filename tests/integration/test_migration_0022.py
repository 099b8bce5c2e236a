"""Migration 0022 adds the shelf life's unit; products saved before keep
their days (shown as days), and 0021 is reachable again by downgrading."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from shop.catalogue.models import Product, ShelfLifeUnit
from shop.extensions import db
from tests.integration.migration_support import MIGRATIONS, empty_database_app, filled_row


@pytest.mark.no_db_transaction
def test_0022_keeps_every_products_shelf_life(tmp_path_factory):
    app = empty_database_app(tmp_path_factory, "mig22")
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0021")
        metadata = sa.MetaData()
        group, product = (
            sa.Table(name, metadata, autoload_with=db.engine) for name in ("group", "product")
        )
        with db.engine.begin() as conn:
            group_id = conn.execute(
                group.insert().values(
                    filled_row(
                        group,
                        slug="k",
                        name="Kelompok",
                        programme="uppka",
                        status="active",
                        province_code="15",
                        regency_code="15.05",
                    )
                )
            ).inserted_primary_key[0]
            for slug, days in (("abon", 90), ("kerupuk", None)):
                conn.execute(
                    product.insert().values(
                        filled_row(
                            product,
                            group_id=group_id,
                            slug=slug,
                            short_code=slug,
                            name=slug,
                            category="makanan",
                            status="draft",
                            shelf_life_days=days,
                        )
                    )
                )

        upgrade(directory=MIGRATIONS)
        abon = db.session.scalar(sa.select(Product).where(Product.slug == "abon"))
        assert (abon.shelf_life_days, abon.shelf_life_unit) == (90, None)
        assert abon.shelf_life_as_entered == (90, ShelfLifeUnit.DAY)
        kerupuk = db.session.scalar(sa.select(Product).where(Product.slug == "kerupuk"))
        assert kerupuk.shelf_life_as_entered is None
        abon.shelf_life_days, abon.shelf_life_unit = 14, ShelfLifeUnit.WEEK
        db.session.commit()
        db.session.remove()

        downgrade(directory=MIGRATIONS, revision="0021")
        with db.engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("product")}
            days = conn.execute(sa.text("SELECT shelf_life_days FROM product WHERE slug = 'abon'"))
            assert "shelf_life_unit" not in columns and days.scalar() == 14
        upgrade(directory=MIGRATIONS)
        # Its own database's connections closed here, not by the garbage
        # collector at the end of the run (an unraisable warning, an error).
        db.engine.dispose()
