"""The URL map of pre-order rounds: every rule in one place, and what rounds
add to the catalogue's, cart's and orders' pages and services (their hooks)."""

from __future__ import annotations

from flask import Blueprint

from shop.cart import hooks as cart_hooks
from shop.catalogue import hooks as catalogue_hooks
from shop.core.hooks import connect
from shop.orders import hooks as order_hooks
from shop.rounds import manage, pages, views

bp = Blueprint("rounds", __name__)

# views.py: the public list
bp.add_url_rule("/pre-order", "index", views.index, methods=["GET"])

# manage.py: the group's rounds
bp.add_url_rule("/kelola/<slug>/pre-order", "manage_rounds", manage.rounds, methods=["GET"])
bp.add_url_rule(
    "/kelola/<slug>/pre-order/baru", "new_round", manage.new_round, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/kelola/<slug>/pre-order/<int:round_id>", "manage_round", manage.manage_round, methods=["GET"]
)
bp.add_url_rule(
    "/kelola/<slug>/pre-order/<int:round_id>/<action>",
    "round_action",
    manage.round_action,
    methods=["POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/pre-order/<int:round_id>/cetak",
    "print_round",
    manage.print_round,
    methods=["GET"],
)
bp.add_url_rule(
    "/kelola/<slug>/pre-order/<int:round_id>/<kind>.csv",
    "round_csv",
    manage.round_csv,
    methods=["GET"],
)

# What rounds add to the pages and services below them
connect(catalogue_hooks.PRODUCT_PAGE, pages.product_page)
connect(catalogue_hooks.SHOP_PAGE, pages.shop_page)
connect(cart_hooks.CART_PAGE, pages.cart_page)
connect(order_hooks.ORDER_RELEASED, pages.order_released)
