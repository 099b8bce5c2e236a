"""Public reads of curation: featured groups and exhibitions on a given day.

What these pages show changes at midnight in Jakarta without any write, so
the page cache (invalidated by writes) must not keep them past the day's end:
their views take the day from `shop.core.cache.page_day`, which keeps a page
that could outlive it out of the cache.
"""

from __future__ import annotations

from datetime import date

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from shop.catalogue.cards import Card, cards_of
from shop.catalogue.models import Product
from shop.core.pagination import Pagination, paginate
from shop.curation.models import Exhibition, ExhibitionGroup, ExhibitionProduct, FeaturedGroup
from shop.extensions import db
from shop.groups.models import Group, GroupStatus
from shop.groups.queries import _card_options as group_card_options


def featured_groups(day: date, limit: int = 12) -> list[Group]:
    """The groups featured on `day`, in the coordinators' order; suspended
    groups drop out, and a group listed twice shows once."""
    entries = db.session.scalars(
        select(FeaturedGroup)
        .join(FeaturedGroup.group)
        .where(
            FeaturedGroup.starts_on <= day,
            FeaturedGroup.ends_on.is_(None) | (FeaturedGroup.ends_on >= day),
            Group.status == GroupStatus.ACTIVE,
        )
        .options(contains_eager(FeaturedGroup.group).options(*group_card_options()))
        .order_by(FeaturedGroup.position, FeaturedGroup.id)
        .limit(limit)
    )
    groups: dict[int, Group] = {}
    for entry in entries:
        groups.setdefault(entry.group_id, entry.group)
    return list(groups.values())


def _published():
    return select(Exhibition).where(Exhibition.is_published).options(joinedload(Exhibition.banner))


def running_exhibitions(day: date, limit: int = 24) -> list[Exhibition]:
    return list(
        db.session.scalars(
            _published()
            .where(Exhibition.starts_on <= day, Exhibition.ends_on >= day)
            .order_by(Exhibition.ends_on, Exhibition.id)
            .limit(limit)
        )
    )


def upcoming_exhibitions(day: date, limit: int = 24) -> list[Exhibition]:
    return list(
        db.session.scalars(
            _published()
            .where(Exhibition.starts_on > day)
            .order_by(Exhibition.starts_on, Exhibition.id)
            .limit(limit)
        )
    )


def finished_exhibitions(day: date, page: int, per_page: int) -> Pagination:
    """The archive, latest finished first: one page of it and the total."""
    stmt = _published().where(Exhibition.ends_on < day)
    return paginate(stmt.order_by(Exhibition.ends_on.desc(), Exhibition.id.desc()), per_page, page)


def get_published_exhibition_or_404(slug: str) -> Exhibition:
    exhibition = db.session.scalar(_published().where(Exhibition.slug == slug))
    if exhibition is None:
        abort(404)
    return exhibition


def exhibition_groups(exhibition: Exhibition) -> list[Group]:
    """The chosen groups still on the public site, in the chosen order."""
    return list(
        db.session.scalars(
            select(Group)
            .join(ExhibitionGroup, ExhibitionGroup.group_id == Group.id)
            .where(
                ExhibitionGroup.exhibition_id == exhibition.id,
                Group.status == GroupStatus.ACTIVE,
            )
            .options(*group_card_options())
            .order_by(ExhibitionGroup.position, Group.id)
        )
    )


def exhibition_products(exhibition: Exhibition) -> list[Card]:
    """The chosen products the public can still see (hidden, unpublished
    products and those of suspended groups drop out), in the chosen order."""
    ids = db.session.scalars(
        select(Product.id)
        .join(ExhibitionProduct, ExhibitionProduct.product_id == Product.id)
        .where(ExhibitionProduct.exhibition_id == exhibition.id, Product.listed)
        .order_by(ExhibitionProduct.position, Product.id)
    )
    return cards_of(list(ids))
