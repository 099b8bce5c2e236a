"""The audit log page: the entries a coordinator may read, filtered and
paged (writing entries is shop.audit's)."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from shop.audit.models import AuditAction, AuditEntry
from shop.coordinators.scope import Scope, coordinator_required, current_scope
from shop.core.clock import midnight_utc
from shop.core.pagination import paginate
from shop.core.text import fold
from shop.curation.models import Exhibition
from shop.groups.models import Group
from shop.monitoring.forms import AuditFilterForm


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


AUDIT_PAGE_SIZE = 30


@coordinator_required
def audit():
    scope = current_scope()
    form = AuditFilterForm.read()
    action, q, start, end = form.action.data, form.q.data, form.dari.data, form.sampai.data
    stmt = visible_entries(scope)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if q:
        pattern = f"%{fold(q)}%"
        stmt = stmt.outerjoin(Group, Group.id == AuditEntry.group_id).where(
            or_(
                func.lower(AuditEntry.subject).like(pattern),
                func.lower(AuditEntry.actor_name).like(pattern),
                func.lower(Group.name).like(pattern),
                func.lower(AuditEntry.reason).like(pattern),
            )
        )
    if start:
        stmt = stmt.where(AuditEntry.at >= midnight_utc(start))
    if end:
        stmt = stmt.where(AuditEntry.at < midnight_utc(end + timedelta(days=1)))
    pagination = paginate(
        stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()), AUDIT_PAGE_SIZE
    )
    return render_template(
        "monitoring/audit.html",
        entries=pagination.items,
        pagination=pagination,
        actions=list(AuditAction),
        action=action.value if action else "",
        q=q,
        start=start,
        end=end,
    )
