"""The coordinator's help for a member who cannot get back into their account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from shop.accounts import recovery
from shop.accounts.models import User
from shop.audit import services as audit
from shop.audit.models import AuditAction
from shop.extensions import db
from shop.groups.models import Group, Membership


def group_members(group: Group) -> list[Membership]:
    """The group's memberships with their people, by name."""
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.group_id == group.id)
            .options(joinedload(Membership.user))
            .join(Membership.user)
            .order_by(User.name, User.id)
        )
    )


def member_of(group: Group, user_id: int) -> User | None:
    """The person with this id if they belong to the group, else None."""
    return db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id, User.id == user_id)
    )


def create_reset_link(member: User, group: Group, by: User, *, now: datetime | None = None) -> str:
    """A one-time reset link for a member who has neither email nor a
    confirmed number; the coordinator shares it (the view shows it once).

    The caller has checked that the group is in the coordinator's scope and
    that the member belongs to it. Written to the audit log.
    """
    token = recovery.issue_shared_reset_link(member, by, now=now)
    audit.record(
        AuditAction.RESET_LINK_CREATED,
        group=group,
        subject=member.name,
        actor=by,
    )
    db.session.flush()
    return token
