"""Taking and returning tracked stock with conditional updates.

Rows are touched in ascending variant id so two checkouts that share variants
always lock them in the same order and cannot deadlock; the database CHECK
(stock >= 0) is the last line of defence.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from shop.catalogue.models import Product, Variant
from shop.extensions import db


def take(variant_id: int, quantity: int) -> bool:
    """Take `quantity` units if that many are left; False (nothing changed) otherwise."""
    result = cast(
        CursorResult[Any],
        db.session.execute(
            update(Variant)
            .where(Variant.id == variant_id, Variant.stock >= quantity)
            .values(stock=Variant.stock - quantity)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1


def give_back(variant_id: int, quantity: int) -> None:
    db.session.execute(
        update(Variant)
        .where(Variant.id == variant_id, Variant.stock.is_not(None))
        .values(stock=Variant.stock + quantity)
        .execution_options(synchronize_session=False)
    )


def refresh_in_stock(product_ids: set[int]) -> None:
    """Recompute the catalogue's "ready stock" flag after stock moved."""
    if not product_ids:
        return
    available = (
        select(Variant.id)
        .where(
            Variant.product_id == Product.id,
            Variant.stock.is_not(None),
            Variant.stock >= Variant.min_order_qty,
        )
        .exists()
    )
    db.session.execute(
        update(Product)
        .where(Product.id.in_(product_ids))
        .values(in_stock=Product.catalogue_only.is_(False) & available)
        .execution_options(synchronize_session=False)
    )
    # Objects already loaded in this session must see the new numbers.
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Variant | Product):
            db.session.expire(obj, ["stock"] if isinstance(obj, Variant) else ["in_stock"])
