"""Reads for short links: what a code points at, and the kit page's products."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, url_for
from sqlalchemy import select

from shop.catalogue.models import Product
from shop.catalogue.queries import offered_by, publicly_visible
from shop.core import short_codes as codes
from shop.extensions import db
from shop.groups.models import Group, GroupStatus


@dataclass(frozen=True)
class Target:
    """What a public short code points at."""

    code: str
    name: str
    path: str


def get_public_target_or_404(text: str) -> Target:
    """One indexed query: the length of the code says whether it names a group
    (5) or a product (6). A suspended group or a product nobody else may see
    gives the same 404 as a code that was never issued."""
    code = codes.normalise(text)
    if code is None:
        abort(404)
    if len(code) == codes.GROUP_CODE_LENGTH:
        row = db.session.execute(
            select(Group.name, Group.slug).where(
                Group.short_code == code, Group.status == GroupStatus.ACTIVE
            )
        ).first()
        if row is None:
            abort(404)
        return Target(code, row.name, url_for("catalogue.shop_page", slug=row.slug))
    row = db.session.execute(
        select(Product.name, Product.slug, Group.slug.label("group_slug"))
        .join(Product.group)
        .where(Product.short_code == code, publicly_visible())
    ).first()
    if row is None:
        abort(404)
    return Target(
        code,
        row.name,
        url_for("catalogue.product", group_slug=row.group_slug, product_slug=row.slug),
    )


def kit_products(group: Group) -> list[Product]:
    """The group's published products a buyer can open (not hidden by a
    coordinator), in one query whatever their number."""
    return offered_by(group)
