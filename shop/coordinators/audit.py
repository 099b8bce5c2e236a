"""The audit log: every coordinator action, written in the action's own transaction."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from shop.catalogue.models import Product
from shop.coordinators.models import AuditAction, AuditEntry, Exhibition
from shop.coordinators.scope import Scope
from shop.extensions import db
from shop.groups.models import Group


def record(
    action: AuditAction,
    *,
    group: Group | None = None,
    product: Product | None = None,
    exhibition: Exhibition | None = None,
    subject: str = "",
    details: str = "",
    reason: str = "",
    actor=None,
) -> AuditEntry:
    """Add an entry to the session; the caller's commit writes it with the action."""
    actor = actor or current_user
    if product is not None and group is None:
        group = product.group
    if not subject:
        subject = (
            product.name
            if product is not None
            else exhibition.title
            if exhibition is not None
            else group.name
            if group is not None
            else ""
        )
    entry = AuditEntry(
        actor_id=actor.id,
        actor_name=actor.name,
        action=action,
        group=group,
        product=product,
        exhibition=exhibition,
        subject=subject[:200],
        details=details,
        reason=reason,
    )
    db.session.add(entry)
    return entry


def visible_entries(scope: Scope):
    """What a coordinator may read: entries about groups in their scope, about
    exhibitions they manage, and their own (exports of their whole scope).
    Operators read everything."""
    stmt = select(AuditEntry).options(
        joinedload(AuditEntry.group), joinedload(AuditEntry.exhibition)
    )
    if scope.is_operator:
        return stmt
    user_id = scope.coordinator.user_id
    in_scope_group = AuditEntry.group_id.in_(scope.group_ids())
    own_exhibition = AuditEntry.exhibition_id.in_(
        select(Exhibition.id).where(Exhibition.created_by_id == user_id).scalar_subquery()
    )
    return stmt.where(
        or_(
            in_scope_group,
            (AuditEntry.group_id.is_(None) & own_exhibition),
            (AuditEntry.group_id.is_(None) & (AuditEntry.actor_id == user_id)),
        )
    )
