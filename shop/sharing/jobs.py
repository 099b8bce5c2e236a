"""Background jobs of sharing: draw the share images before a link preview asks.

A product's or group's picture changes when its photo becomes ready or its
name, price or place changes; these jobs draw the new one in every language
after the change commits, so WhatsApp's crawler gets a stored file. A picture
asked for before its job ran is still drawn on demand (`stored_path`).
"""

from __future__ import annotations

from dataclasses import replace

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from shop.catalogue.models import Product, ProductPhoto
from shop.catalogue.queries import publicly_visible
from shop.db_events import reading
from shop.extensions import db
from shop.groups.models import Group, GroupStatus
from shop.media.models import Image
from shop.sharing.images import Card, group_card, product_card, stored_path


def _draw(cards) -> int:
    """Store each card not stored yet, in every language; returns how many.

    What the cards show is read first, in a reading transaction that ends
    before any drawing (no lock held while Pillow works); the drawing uses
    only what was read."""
    made: list[Card] = []
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            made.extend(_detached(make()) for make in cards)
    db.session.commit()
    for card in made:
        stored_path(card)
    return len(made)


def _detached(card: Card) -> Card:
    """The card with a copy of its photo's row that outlives the transaction."""
    photo = card.photo
    if photo is None:
        return card
    copy = Image(key=photo.key, widths=photo.widths, private=photo.private, status=photo.status)
    return replace(card, photo=copy)


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
    with reading():
        return _draw([lambda p=p: product_card(p) for p in _products(Product.id == product_id)])


def prerender_group(group_id: int) -> int:
    with reading():
        return _draw([lambda g=g: group_card(g) for g in _groups(Group.id == group_id)])


def prerender_image(image_id: int) -> int:
    """The cards that show this photo: products it is a photo of, groups whose
    logo or cover it is."""
    using = select(ProductPhoto.product_id).where(ProductPhoto.image_id == image_id)
    with reading():
        products = _products(Product.id.in_(using))
        groups = _groups(or_(Group.logo_id == image_id, Group.cover_id == image_id))
        return _draw(
            [lambda p=p: product_card(p) for p in products]
            + [lambda g=g: group_card(g) for g in groups]
        )
