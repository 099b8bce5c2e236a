"""The URL map of the catalogue blueprint: every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.catalogue import cards, group_products, listing, manage, storefronts, views
from shop.core.hooks import connect
from shop.groups import hooks as group_hooks

bp = Blueprint("catalogue", __name__)

# views.py: public pages
bp.add_url_rule("/katalog", "index", views.index, methods=["GET"])
bp.add_url_rule("/k/<group_slug>/<product_slug>", "product", views.product, methods=["GET"])

# storefronts.py: the groups' public pages
bp.add_url_rule("/kelompok", "directory", storefronts.directory, methods=["GET"])
bp.add_url_rule("/k/<slug>", "shop_page", storefronts.shop_page, methods=["GET"])

# manage.py: the group's product pages
bp.add_url_rule(
    "/kelola/<slug>/produk/baru", "create_product", manage.create_product, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/kelola/<slug>/produk/<int:product_id>",
    "edit_product",
    manage.edit_product,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/produk/<int:product_id>/status",
    "change_status",
    manage.change_status,
    methods=["POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/produk/<int:product_id>/tinjau-ulang",
    "request_review",
    manage.request_review,
    methods=["POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/produk/<int:product_id>/foto", "photos", manage.photos, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/kelola/<slug>/produk/<int:product_id>/foto/<int:photo_id>/<action>",
    "photo_action",
    manage.photo_action,
    methods=["POST"],
)

# What catalogue adds to the groups' pages and services (shop.groups.hooks)
group_hooks.HOME_PANELS["products"] = group_products.home_products
connect(group_hooks.ON_RENAME, group_products.reindex_renamed_group)

# Listings render each product's card once per state it shows (cards.py).
bp.add_app_template_global(cards.product_card)
bp.add_app_template_global(cards.product_cards)
# The listing columns follow every change of a product or its group (listing.py).
listing.install()
