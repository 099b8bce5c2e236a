"""Reads for groups: a person's memberships, public group lists, scoped loaders."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from shop.extensions import db
from shop.groups.models import Group, Membership


def memberships_of(user) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.user_id == user.id)
            .options(joinedload(Membership.group))
            .join(Membership.group)
            .order_by(Group.name)
        )
    )
