"""Reading the audit log: the entries a coordinator may see (writing is shop.audit)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from shop.audit.models import AuditEntry
from shop.coordinators.scope import Scope
from shop.curation.models import Exhibition


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
