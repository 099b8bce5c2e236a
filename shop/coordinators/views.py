"""Coordinator pages: the overview and the audit log.

The other pages live in their own modules (verification, compliance,
curation, monitoring, report); shop/coordinators/blueprint.py lists them all.
Every view is wrapped in `coordinator_required` and reads through the scope.
"""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select

from shop.audit.models import AuditAction, AuditEntry
from shop.catalogue.models import Product, ProductCertificate
from shop.coordinators.audit import visible_entries
from shop.coordinators.filters import AuditFilterForm
from shop.coordinators.scope import coordinator_of, coordinator_required, current_scope
from shop.core.clock import jakarta_today, midnight_utc
from shop.core.pagination import paginate
from shop.core.text import fold
from shop.curation.models import Exhibition
from shop.extensions import db
from shop.groups.models import Group, GroupStatus, Verification

# The coordinator menu: (endpoint, label, endpoints that mark it current).
NAV = (
    ("coordinators.overview", _l("Overview"), ("coordinators.overview",)),
    ("coordinators.groups", _l("Groups"), ("coordinators.groups", "coordinators.group")),
    ("coordinators.queue", _l("Verification"), ("coordinators.queue",)),
    ("coordinators.certificates", _l("Certificates"), ("coordinators.certificates",)),
    ("coordinators.moderation", _l("Moderation"), ("coordinators.moderation",)),
    ("curation.featured", _l("Featured"), ("curation.featured",)),
    ("curation.exhibitions", _l("Exhibitions"), ("curation.exhibitions",)),
    ("coordinators.monitoring", _l("Monitoring"), ("coordinators.monitoring",)),
    ("coordinators.audit", _l("Audit log"), ("coordinators.audit",)),
)


def _is_coordinator() -> bool:
    return coordinator_of(current_user) is not None


def _coordinator_nav():
    return {"coordinator_nav": NAV}


@coordinator_required
def overview():
    scope = current_scope()
    today = jakarta_today()
    in_scope = scope.groups_clause()
    group_counts = dict(
        db.session.execute(
            select(Group.verification, func.count())
            .where(in_scope, Group.status == GroupStatus.ACTIVE)
            .group_by(Group.verification)
        ).all()
    )
    suspended = db.session.scalar(
        select(func.count())
        .select_from(Group)
        .where(in_scope, Group.status == GroupStatus.SUSPENDED)
    )
    awaiting_review = db.session.scalar(
        select(func.count())
        .select_from(Product)
        .join(Product.group)
        .where(in_scope, Product.hidden_at.is_not(None), Product.review_requested_at.is_not(None))
    )
    expiring = db.session.scalar(
        select(func.count())
        .select_from(ProductCertificate)
        .join(ProductCertificate.product)
        .join(Product.group)
        .where(
            in_scope,
            ProductCertificate.expires_on.is_not(None),
            ProductCertificate.expires_on <= today + timedelta(days=30),
        )
    )
    running = db.session.scalar(
        select(func.count())
        .select_from(Exhibition)
        .where(
            Exhibition.is_published,
            Exhibition.starts_on <= today,
            Exhibition.ends_on >= today,
        )
    )
    recent = list(
        db.session.scalars(
            visible_entries(scope).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(5)
        )
    )
    return render_template(
        "coordinators/overview.html",
        scope=scope,
        group_counts=group_counts,
        awaiting_verification=group_counts.get(Verification.UNVERIFIED, 0),
        suspended=suspended,
        awaiting_review=awaiting_review,
        expiring=expiring,
        running=running,
        recent=recent,
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
        "coordinators/audit.html",
        entries=pagination.items,
        pagination=pagination,
        actions=list(AuditAction),
        action=action.value if action else "",
        q=q,
        start=start,
        end=end,
    )
