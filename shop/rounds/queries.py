"""Pre-order round reads: the group's rounds, a round's production and
handover lists, and what the public pages show. Each is a fixed number of
statements whatever it lists."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from shop.catalogue.models import Product, ProductStatus, Variant
from shop.extensions import db
from shop.groups.models import Group, GroupStatus
from shop.orders.models import Order, OrderLine, OrderStatus
from shop.rounds.models import Round, RoundItem, RoundStatus

# Orders that no longer count: nothing is made for them.
GONE = (OrderStatus.CANCELLED, OrderStatus.EXPIRED)
PUBLIC_LIST_SIZE = 60


def _with_items():
    """Items with their products, variants and the products' variants (a
    variant's label is shown where its product has several)."""
    return selectinload(Round.items).options(
        joinedload(RoundItem.product).selectinload(Product.variants),
        joinedload(RoundItem.variant),
    )


def get_round_for_group_or_404(group: Group, round_id: int, *, lock: bool = False) -> Round:
    """The group's round with its items; another group's round is a 404."""
    stmt = select(Round).where(Round.id == round_id, Round.group_id == group.id)
    if lock:
        stmt = stmt.with_for_update(of=Round)
    round_ = db.session.scalar(stmt.options(_with_items()))
    if round_ is None:
        abort(404)
    return round_


def group_rounds(group: Group) -> list[Round]:
    """Every round of the group, newest first, with items: two statements."""
    return list(
        db.session.scalars(
            select(Round)
            .where(Round.group_id == group.id)
            .options(_with_items())
            .order_by(Round.created_at.desc(), Round.id.desc())
        )
    )


def round_orders(round_: Round) -> list[Order]:
    """The round's orders still going, with their group: one statement."""
    in_round = select(RoundItem.id).where(RoundItem.round_id == round_.id)
    ids = select(OrderLine.order_id).where(OrderLine.round_item_id.in_(in_round))
    return list(
        db.session.scalars(
            select(Order)
            .where(Order.id.in_(ids), Order.status.not_in(GONE))
            .options(joinedload(Order.group))
            .order_by(Order.id)
        )
    )


@dataclass(frozen=True)
class ProductionRow:
    product_name: str
    variant_label: str
    quantity: int
    orders: int


def production(round_: Round) -> list[ProductionRow]:
    """How many of each product and variant to make: the round's lines of
    orders still going, summed (one statement)."""
    rows = db.session.execute(
        select(
            OrderLine.product_name,
            OrderLine.variant_label,
            func.sum(OrderLine.quantity),
            func.count(func.distinct(OrderLine.order_id)),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .join(RoundItem, RoundItem.id == OrderLine.round_item_id)
        .where(RoundItem.round_id == round_.id, Order.status.not_in(GONE))
        .group_by(OrderLine.product_name, OrderLine.variant_label)
        .order_by(OrderLine.product_name, OrderLine.variant_label)
    ).all()
    return [ProductionRow(name, label, int(qty), int(n)) for name, label, qty, n in rows]


def handover(round_: Round) -> list[tuple[Order, list[OrderLine]]]:
    """Each buyer's order with its lines in the round, by buyer name: what to
    hand to whom (two statements)."""
    in_round = select(RoundItem.id).where(RoundItem.round_id == round_.id)
    orders = db.session.scalars(
        select(Order)
        .where(
            Order.id.in_(select(OrderLine.order_id).where(OrderLine.round_item_id.in_(in_round))),
            Order.status.not_in(GONE),
        )
        .options(selectinload(Order.lines))
        .order_by(func.lower(Order.buyer_name), Order.id)
    )
    item_ids = {item.id for item in round_.items}
    return [
        (order, [line for line in order.lines if line.round_item_id in item_ids])
        for order in orders
    ]


def product_round(product: Product) -> Round | None:
    """The open round a product is in, with only that product's items (one
    statement; none when the product is in no round)."""
    if product.preorder_round_id is None:
        return None
    return _open_round_for(product.preorder_round_id, [product.id])


def _open_round_for(round_id: int, product_ids: list[int]) -> Round | None:
    return (
        db.session.scalars(
            select(Round)
            .join(Round.items)
            .where(
                Round.id == round_id,
                Round.status == RoundStatus.OPEN,
                RoundItem.product_id.in_(product_ids),
            )
            .options(contains_eager(Round.items))
            .order_by(RoundItem.id)
        )
        .unique()
        .first()
    )


def items_by_variant(variant_ids: list[int], round_ids: set[int]) -> dict[int, RoundItem]:
    """The open rounds' items of these variants, with their rounds (one
    statement; none without a round)."""
    if not round_ids:
        return {}
    rows = db.session.execute(
        select(RoundItem, Round)
        .join(Round, Round.id == RoundItem.round_id)
        .where(
            RoundItem.variant_id.in_(variant_ids),
            Round.id.in_(round_ids),
            Round.status == RoundStatus.OPEN,
        )
    ).all()
    return {item.variant_id: item for item, _round in rows}


def group_open_rounds(group: Group) -> list[Round]:
    """The group's rounds taking orders, with items (two statements; none
    when its count says there is none)."""
    if not group.open_rounds:
        return []
    return list(
        db.session.scalars(
            select(Round)
            .where(Round.group_id == group.id, Round.status == RoundStatus.OPEN)
            .options(_with_items())
            .order_by(Round.closes_at, Round.id)
        )
    )


def public_rounds() -> list[Round]:
    """Rounds taking orders on the site, featured first, then by deadline;
    groups and items with them (two statements)."""
    return list(
        db.session.scalars(
            select(Round)
            .join(Round.group)
            .where(Round.status == RoundStatus.OPEN, Group.status == GroupStatus.ACTIVE)
            .options(joinedload(Round.group), _with_items())
            .order_by(Round.featured_at.is_(None), Round.featured_at, Round.closes_at, Round.id)
            .limit(PUBLIC_LIST_SIZE)
        ).unique()
    )


def offerable_variants(group: Group) -> list[Variant]:
    """The group's variants a round can offer: of published products for sale
    not in another open round, by product name (one statement)."""
    return list(
        db.session.scalars(
            select(Variant)
            .join(Variant.product)
            .where(
                Product.group_id == group.id,
                Product.status == ProductStatus.PUBLISHED,
                Product.catalogue_only.is_(False),
                Product.preorder_round_id.is_(None),
            )
            .options(contains_eager(Variant.product))
            .order_by(func.lower(Product.name), Product.id, Variant.position, Variant.id)
        )
    )
