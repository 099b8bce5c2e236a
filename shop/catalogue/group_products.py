"""A group's products as the group pages need them: how many each public
group offers, the list on the group's home page, and a new search index when
the group is renamed.

The last two reach the groups package through `shop.groups.hooks`
(registered in catalogue/blueprint.py), so groups imports nothing from here.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from shop.catalogue import queries, search
from shop.catalogue.models import Product, ProductStatus
from shop.extensions import db
from shop.groups.models import Group


def product_counts(group_ids: list[int]) -> dict[int, int]:
    """Published, not hidden products per group id (groups without any are absent)."""
    if not group_ids:
        return {}
    rows = db.session.execute(
        select(Product.group_id, func.count())
        .where(
            Product.group_id.in_(group_ids),
            Product.status == ProductStatus.PUBLISHED,
            Product.hidden_at.is_(None),
        )
        .group_by(Product.group_id)
    )
    return dict(rows.all())


def home_products(group: Group, today: date) -> list[Product]:
    """The group's home page panel: every product, drafts and archive included."""
    return queries.products_for_manager(group)


def reindex_renamed_group(group: Group) -> None:
    """The group's name is part of each of its products' search text."""
    search.index_products(db.session.scalars(select(Product).where(Product.group_id == group.id)))
