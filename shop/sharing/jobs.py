"""Background jobs of sharing: draw the share images before a link preview asks.

A product's or group's picture changes when its photo becomes ready or its
name, price or place changes; these jobs draw the new one in every language
after the change commits, so WhatsApp's crawler gets a stored file. A picture
asked for before its job ran is still drawn on demand (`stored_path`).
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from shop.catalogue.models import Product, ProductPhoto
from shop.catalogue.queries import publicly_visible
from shop.extensions import db
from shop.groups.models import Group, GroupStatus
from shop.sharing.images import Card, group_card, product_card, stored_path


def _draw(cards) -> int:
    """Store each card not stored yet, in every language; returns how many."""
    drawn = 0
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            made: list[Card] = [make() for make in cards]
        for card in made:
            stored_path(card)
            drawn += 1
    return drawn


def _products(*criteria) -> list[Product]:
    return list(
        db.session.scalars(
            select(Product)
            .join(Group, Group.id == Product.group_id)
            .where(publicly_visible(), *criteria)
            .options(
                selectinload(Product.photos),
                joinedload(Product.group).joinedload(Group.regency),
                joinedload(Product.group).joinedload(Group.province),
            )
        ).unique()
    )


def _groups(*criteria) -> list[Group]:
    return list(
        db.session.scalars(
            select(Group)
            .where(Group.status == GroupStatus.ACTIVE, *criteria)
            .options(joinedload(Group.regency), joinedload(Group.province))
        )
    )


def prerender_product(product_id: int) -> int:
    return _draw([lambda p=p: product_card(p) for p in _products(Product.id == product_id)])


def prerender_group(group_id: int) -> int:
    return _draw([lambda g=g: group_card(g) for g in _groups(Group.id == group_id)])


def prerender_image(image_id: int) -> int:
    """The cards that show this photo: products it is a photo of, groups whose
    logo or cover it is."""
    using = select(ProductPhoto.product_id).where(ProductPhoto.image_id == image_id)
    products = _products(Product.id.in_(using))
    groups = _groups(or_(Group.logo_id == image_id, Group.cover_id == image_id))
    return _draw(
        [lambda p=p: product_card(p) for p in products]
        + [lambda g=g: group_card(g) for g in groups]
    )
