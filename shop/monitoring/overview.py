"""The coordinator's overview (/koordinator/): what waits in their scope
today and the latest entries of the audit log they may read.

Wrapped in `coordinator_required` and read through the scope.
"""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from sqlalchemy import func, select

from shop.audit.models import AuditEntry
from shop.catalogue.models import Product, ProductCertificate
from shop.coordinators.scope import coordinator_required, current_scope
from shop.core.clock import jakarta_today
from shop.curation.models import Exhibition
from shop.extensions import db
from shop.groups.models import Group, GroupStatus, Verification
from shop.monitoring.audit_log import visible_entries


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
        "monitoring/overview.html",
        scope=scope,
        group_counts=group_counts,
        awaiting_verification=group_counts.get(Verification.UNVERIFIED, 0),
        suspended=suspended,
        awaiting_review=awaiting_review,
        expiring=expiring,
        running=running,
        recent=recent,
    )
