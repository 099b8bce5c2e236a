"""Product cards, rendered once per process for each state they show.

A listing of 24 products used to render 24 cards of gettext, `url_for`,
rupiah formatting and srcsets on every request. `product_card` keys each
rendered card by everything it shows (the product's name, slug, prices and
badges, its group's name, slug, verification and town, the cover photo's
file and state), so a card is never stale: a change to any of them is a new
key (shop.core.fragments adds the language and where the app is mounted).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, partial

from flask import current_app
from markupsafe import Markup
from sqlalchemy import Row, Select, bindparam, select

from shop.catalogue.models import Product, ProductPhoto
from shop.core.fragments import keep, key_prefix
from shop.extensions import db
from shop.groups.models import Group, Verification
from shop.media.models import Image
from shop.regions.models import Regency

TEMPLATE = "_partials/product_card.html"
# What a card shows of its cover image (read with the card's row).
IMAGE_FIELDS = ("key", "private", "widths", "status", "width", "height")


# The first photo's image of a product (position, then id: ProductPhoto's order).
_COVER = (
    select(ProductPhoto.image_id)
    .where(ProductPhoto.product_id == Product.id)
    .order_by(ProductPhoto.position, ProductPhoto.id)
    .limit(1)
    .correlate(Product)
    .scalar_subquery()
)
CARD_ROWS = (
    select(
        Product.id,
        Product.slug,
        Product.name,
        Product.price_min,
        Product.price_max,
        Product.catalogue_only,
        Product.in_stock,
        Group.slug.label("group_slug"),
        Group.name.label("group_name"),
        Group.verification,
        Regency.name.label("regency_name"),
        *(getattr(Image, f) for f in IMAGE_FIELDS),
    )
    .join(Group, Group.id == Product.group_id)
    .outerjoin(Regency, Regency.code == Group.regency_code)
    .outerjoin(Image, Image.id == _COVER)
)

# A card's row may go on with more columns (a page's total): the card shows these.
_SHOWN = len(CARD_ROWS.selected_columns)


@dataclass(frozen=True)
class _Named:
    name: str | None


@dataclass(frozen=True)
class _GroupShown:
    slug: str
    name: str
    is_verified: bool
    regency: _Named


@dataclass(frozen=True)
class _Photo:
    image: Image


class Card:
    """What a product card shows, read as one row (no ORM objects): the
    attributes the card template uses, each read from the row when asked
    (a card whose render is kept reads none of them: `card_key` is the row)."""

    def __init__(self, row: Row):
        self.row = row

    id = property(lambda self: self.row.id)
    slug = property(lambda self: self.row.slug)
    name = property(lambda self: self.row.name)
    price_min = property(lambda self: self.row.price_min)
    price_max = property(lambda self: self.row.price_max)
    catalogue_only = property(lambda self: self.row.catalogue_only)
    in_stock = property(lambda self: self.row.in_stock)

    @cached_property
    def group(self) -> _GroupShown:
        row = self.row
        return _GroupShown(
            row.group_slug,
            row.group_name,
            row.verification is Verification.VERIFIED,
            _Named(row.regency_name),
        )

    @property
    def image_key(self) -> tuple | None:
        row = self.row
        return None if row.key is None else tuple(getattr(row, f) for f in IMAGE_FIELDS)

    @cached_property
    def cover_photo(self) -> _Photo | None:
        image_key = self.image_key
        if image_key is None:
            return None
        # A detached Image gives the template its URLs and sizes; only on a
        # card's first render in this process (card_key reads the row).
        return _Photo(Image(**dict(zip(IMAGE_FIELDS, image_key, strict=True))))


# CARD_ROWS for a list of ids, built once: its cache key is worked out once
# per process, not for each listing (the statement is large).
_CARDS_OF = CARD_ROWS.where(Product.id.in_(bindparam("ids", expanding=True)))


def page_statement(page, order) -> Select:
    """The cards of a page of a list, in the list's `order`, in one
    statement: `page` is a subquery of the page's product ids (`id`) and the
    list's `total`, which ends each row (see `cards_and_total`)."""
    return CARD_ROWS.add_columns(page.c.total).join(page, page.c.id == Product.id).order_by(*order)


def cards_and_total(stmt: Select, params: dict) -> tuple[list[Card], int | None]:
    """A `page_statement`'s cards and the list's total (None: an empty page)."""
    rows = db.session.execute(stmt, params).all()
    return [Card(row) for row in rows], rows[0].total if rows else None


def cards_of(ids: list[int]) -> list[Card]:
    """The cards of these products, in this order: one statement."""
    if not ids:
        return []
    rows = {row.id: row for row in db.session.execute(_CARDS_OF, {"ids": ids})}
    return [Card(rows[i]) for i in ids if i in rows]


def card_key(product: Card, eager: bool, in_shop: bool) -> tuple:
    """Everything the card shows: its row (the product's name, slug, prices
    and badges, its group's name, slug, verification and town, the cover
    image's fields) and how it is shown."""
    return ("card", *product.row[:_SHOWN], eager, in_shop)


def product_card(product: Card, eager: bool = False, in_shop: bool = False) -> Markup:
    """Jinja global: the card of `product` in a listing (`eager`: in the first row)."""
    return keep(card_key(product, eager, in_shop), partial(_render, product, eager, in_shop))


def product_cards(products: list[Card], eager: int = 0, in_shop: bool = False) -> list[Markup]:
    """Jinja global: the cards of a listing, in order, the first `eager` of
    them in its first row: `product_card` of each, in one call."""
    prefix = key_prefix()
    return [
        keep(
            card_key(p, i < eager, in_shop), partial(_render, p, i < eager, in_shop), prefix=prefix
        )
        for i, p in enumerate(products)
    ]


def _render(product: Card, eager: bool, in_shop: bool) -> str:
    template = current_app.jinja_env.get_template(TEMPLATE)
    return template.render(product=product, eager=eager, in_shop=in_shop)
