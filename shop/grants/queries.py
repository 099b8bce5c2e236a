"""Grant reads: a group's grants with what they bought, and the loaders."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.extensions import db
from shop.grants.models import Grant, GrantItem, GrantItemPhoto
from shop.groups.models import Group


def _with_items():
    # GrantItemPhoto.image is joined with its photo: three statements in all.
    return selectinload(Grant.items).selectinload(GrantItem.photos)


def grants_of(group: Group) -> list[Grant]:
    """Every grant of the group, newest first, with its items and photos:
    three statements whatever their number."""
    return list(
        db.session.scalars(
            select(Grant)
            .where(Grant.group_id == group.id)
            .options(_with_items())
            .order_by(Grant.received_on.desc(), Grant.id.desc())
        )
    )


def get_grant_or_404(group: Group, grant_id: int) -> Grant:
    grant = db.session.scalar(
        select(Grant).where(Grant.id == grant_id, Grant.group_id == group.id).options(_with_items())
    )
    if grant is None:
        abort(404)
    return grant


def get_item_or_404(grant: Grant, item_id: int) -> GrantItem:
    for item in grant.items:
        if item.id == item_id:
            return item
    abort(404)


def get_photo_or_404(item: GrantItem, photo_id: int) -> GrantItemPhoto:
    for photo in item.photos:
        if photo.id == photo_id:
            return photo
    abort(404)
