"""What rounds add to the lower packages' pages (connected in blueprint.py):
the product page's round, the group page's rounds, the cart's round lines.
Each reads nothing when there is no round to show."""

from __future__ import annotations

from typing import Any

from shop.rounds import capacity, queries


def product_page(product) -> dict[str, Any]:
    return {"preorder": queries.product_round(product)}


def shop_page(group) -> dict[str, Any]:
    return {"preorder_rounds": queries.group_open_rounds(group)}


def cart_page(cart) -> dict[str, Any]:
    variants = [line.variant for g in cart.groups for line in g.lines]
    rounds = {v.product.preorder_round_id for v in variants} - {None}
    return {"cart_rounds": queries.items_by_variant([v.id for v in variants], rounds)}


def order_released(order) -> None:
    capacity.give_back(order.lines)
