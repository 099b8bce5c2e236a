"""Writing the audit log: every coordinator action, in the action's own transaction."""

from __future__ import annotations

from flask_login import current_user

from shop.audit.models import AuditAction, AuditEntry
from shop.extensions import db


def record(
    action: AuditAction,
    *,
    group=None,
    product=None,
    exhibition=None,
    subject: str = "",
    details: str = "",
    reason: str = "",
    actor=None,
) -> AuditEntry:
    """Add an entry to the session; the caller's commit writes it with the action.

    `group`, `product` and `exhibition` are the Group, Product and Exhibition
    acted on (any of them may be None); a product's group is recorded with it.
    """
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
