"""Taking and returning tracked stock with conditional updates.

Rows are touched in ascending variant id so two checkouts that share variants
always lock them in the same order and cannot deadlock; the database CHECK
(stock >= 0) is the last line of defence.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, case, select, update

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


def take_all(quantities: dict[int, int]) -> dict[int, int]:
    """Take each variant's quantity (variant id -> units) in one statement; the
    stock left of every variant taken. A variant missing from the answer had
    too little: the others were taken, so the caller must roll back.

    The rows are locked first in ascending id (the subquery's FOR NO KEY
    UPDATE on PostgreSQL: the lock the UPDATE itself takes, which does not
    wait for order lines being inserted that name the variant; SQLite's write
    lock is the whole database), then each is taken only where enough is
    left, checked on the row as it is now."""
    if not quantities:
        return {}
    wanted = case(quantities, value=Variant.id)
    locked = (
        select(Variant.id)
        .where(Variant.id.in_(sorted(quantities)), Variant.stock.is_not(None))
        .order_by(Variant.id)
        .with_for_update(key_share=True)
    )
    taken = db.session.execute(
        update(Variant)
        .where(Variant.id.in_(locked), Variant.stock >= wanted)
        .values(stock=Variant.stock - wanted)
        .returning(Variant.id, Variant.stock)
        .execution_options(synchronize_session=False)
    )
    return {variant_id: left for variant_id, left in taken}


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
