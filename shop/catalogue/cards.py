"""Product cards, rendered once per process for each state they show.

A listing of 24 products used to render 24 cards of gettext, `url_for`,
rupiah formatting and srcsets on every request. `product_card` keys each
rendered card by everything it shows (the product's name, slug, prices and
badges, its group's name, slug, verification and town, the cover photo's
file and state), so a card is never stale: a change to any of them is a new
key (shop.core.fragments adds the language and where the app is mounted).
"""

from __future__ import annotations

from flask import current_app
from markupsafe import Markup

from shop.catalogue.models import Product
from shop.core.fragments import keep

TEMPLATE = "_partials/product_card.html"


def card_key(product: Product, eager: bool, in_shop: bool) -> tuple:
    group = product.group
    photo = product.cover_photo
    image = photo.image if photo is not None else None
    return (
        "card",
        product.id,
        product.slug,
        product.name,
        product.price_min,
        product.price_max,
        product.catalogue_only,
        product.in_stock,
        group.slug,
        None if in_shop else (group.name, group.is_verified, group.regency.name),
        image
        and (image.key, image.private, image.widths, image.status, image.width, image.height),
        eager,
        in_shop,
    )


def product_card(product: Product, eager: bool = False, in_shop: bool = False) -> Markup:
    """Jinja global: the card of `product` in a listing (`eager`: in the first row)."""

    def render() -> str:
        template = current_app.jinja_env.get_template(TEMPLATE)
        return template.render(product=product, eager=eager, in_shop=in_shop)

    return keep(card_key(product, eager, in_shop), render)
