"""Demo data gets its short codes through the same services as real groups."""

from __future__ import annotations

from sqlalchemy import select

from shop.catalogue.models import Product
from shop.extensions import db
from shop.groups.models import Group


def test_demo_groups_and_products_have_working_short_links(app, client):
    result = app.test_cli_runner().invoke(args=["demo", "load", "--once"])
    assert result.exit_code == 0, result.output

    group_codes = db.session.scalars(select(Group.short_code)).all()
    product_codes = db.session.scalars(select(Product.short_code)).all()
    assert len(set(group_codes)) == len(group_codes) >= 7
    assert len(set(product_codes)) == len(product_codes) >= 20

    shop = db.session.scalar(select(Group).where(Group.slug == "kelompok-mina-sejahtera"))
    response = client.get(f"/s/{shop.short_code.lower()}")
    assert response.status_code == 301
    assert response.headers["Location"] == "/k/kelompok-mina-sejahtera"
