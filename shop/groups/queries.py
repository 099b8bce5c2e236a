"""Reads for groups: a person's memberships, public group lists, scoped loaders."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload, undefer

from shop.core.pagination import Pagination, paginate
from shop.extensions import db
from shop.groups.models import (
    Group,
    GroupStatus,
    Invitation,
    Membership,
    Programme,
    Role,
)
from shop.groups.suspension import guard
from shop.media.quota import attribute_uploads_to


def memberships_of(user) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .join(Membership.group)
            .where(Membership.user_id == user.id)
            .options(joinedload(Membership.group))
            .order_by(Group.name)
        )
    )


def group_slugs_of(user, limit: int) -> list[str]:
    """The slugs of up to `limit` of the person's groups, by name."""
    return list(
        db.session.scalars(
            select(Group.slug)
            .join(Membership, Membership.group_id == Group.id)
            .where(Membership.user_id == user.id)
            .order_by(Group.name)
            .limit(limit)
        )
    )


def in_a_group(user_id):
    """An EXISTS over the person's memberships (user_id: a value or a column)."""
    return select(Membership.id).where(Membership.user_id == user_id).exists()


def _public_groups():
    return select(Group).where(Group.status == GroupStatus.ACTIVE)


def _card_options():
    return (joinedload(Group.regency), joinedload(Group.province), joinedload(Group.logo))


def newest_groups(limit: int = 6) -> list[Group]:
    return list(
        db.session.scalars(
            _public_groups()
            .options(*_card_options())
            .order_by(Group.created_at.desc())
            .limit(limit)
        )
    )


def public_group_page(
    *, programme: Programme | None = None, province: str = "", page: int = 1, per_page: int = 24
) -> Pagination:
    """One page of the group directory: active groups, newest first."""
    stmt = _public_groups()
    if programme:
        stmt = stmt.where(Group.programme == programme)
    if province:
        stmt = stmt.where(Group.province_code == province)
    return paginate(
        stmt.options(*_card_options()).order_by(Group.created_at.desc(), Group.id.desc()),
        per_page,
        page,
    )


# The group page's statement, built once (the slug a bind parameter): building
# it with its five joined loads cost more than running it.
PUBLIC_GROUP = (
    _public_groups()
    .where(Group.slug == bindparam("slug"))
    .options(
        joinedload(Group.regency),
        joinedload(Group.province),
        joinedload(Group.district),
        joinedload(Group.logo),
        joinedload(Group.cover),
        # The page says how a buyer can pay (shop.groups.ordering).
        undefer(Group.has_bank_account),
    )
)


def get_public_group_or_404(slug: str) -> Group:
    group = db.session.scalar(PUBLIC_GROUP, {"slug": slug})
    if group is None:
        abort(404)
    return group


def get_membership_or_404(slug: str, *, leader: bool = False) -> Membership:
    """The current person's membership of the group named in the URL.

    Someone who is not a member gets 404, so group URLs reveal nothing. A
    member opening a ketua-only page gets 403: they know the group exists.
    While the group is suspended, every endpoint not on the allow-list of
    `shop.groups.suspension` is refused here (403 with the reason), before
    the view reads its form. Photos uploaded in the request count against
    this group's daily quota.
    """
    membership = db.session.scalar(
        select(Membership)
        .join(Membership.group)
        .where(Group.slug == slug, Membership.user_id == current_user.id)
        .options(joinedload(Membership.group))
    )
    if membership is None:
        abort(404)
    guard(membership)
    if leader and membership.role is not Role.LEADER:
        abort(403)
    attribute_uploads_to(membership.group)
    return membership


def members_of(group: Group) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.group_id == group.id)
            .options(selectinload(Membership.user))
            .order_by(Membership.role, Membership.created_at)
        )
    )


def open_invitations(group: Group, now) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.group_id == group.id,
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
            )
            .order_by(Invitation.created_at.desc())
        )
    )
