"""A coordinator's decisions about a group: verify, ask for changes, suspend,
reinstate, or leave a note.

Each decision is one function: it checks the transition is allowed (the state
table in shop.groups.workflow, which the coordinator's page reads too), changes
the group, writes the audit entry, queues the email to the group's members
and marks the public pages changed, all in the caller's transaction (the
view commits). The caller loads the group through the scope, locked.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from shop.accounts.models import User
from shop.audit import services as audit
from shop.audit.models import AuditAction
from shop.core.cache import mark_public_change
from shop.core.templating import absolute_url
from shop.core.text import clean_multiline
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.alerts import notify_group_members
from shop.groups.models import Group, GroupStatus, Verification
from shop.groups.workflow import VERIFICATION_FLOW

REASON_MAX = 1000

REASON_REQUIRED = _l("Give a reason: the group reads it.")
NOTE_REQUIRED = _l("Write the note.")


def _reason(text: str, message=REASON_REQUIRED, field: str = "reason") -> str:
    text = clean_multiline(text, REASON_MAX)
    if not text:
        raise DomainError(message, field=field)
    return text


def _tell_group(group: Group, template: str, **context) -> None:
    notify_group_members(
        group,
        template,
        {
            "verification_url": absolute_url("groups.verification", slug=group.slug),
            "shop_url": absolute_url("catalogue.shop_page", slug=group.slug),
            **context,
        },
    )


def verify_group(group: Group, *, by: User) -> Group:
    """Mark the group verified: its shop and products carry the badge.

    Refused for a group already verified (a second click, or two
    coordinators at once: the caller holds the row lock) and for a suspended
    one, which must be reinstated first so a badge never appears on a group
    buyers cannot see. A pending request for changes is settled by it.
    """
    VERIFICATION_FLOW.check(group, "verifikasi")
    group.verification = Verification.VERIFIED
    group.verified_at = utcnow()
    group.review_requested_at = None
    group.verification_note = ""
    audit.record(AuditAction.GROUP_VERIFIED, group=group, actor=by)
    _tell_group(group, "group_verified")
    mark_public_change()
    db.session.flush()
    return group


def request_changes(group: Group, reason: str, *, by: User) -> Group:
    """Ask the group to change something before it is verified; the reason is
    shown to the group and emailed. A verified group loses its badge until it
    is verified again (a decree that turned out wrong, a misleading profile).
    Refused while an earlier request is still waiting for the group."""
    reason = _reason(reason)
    VERIFICATION_FLOW.check(group, "minta-perbaikan")
    was_verified = group.verification is Verification.VERIFIED
    group.verification = Verification.CHANGES_REQUESTED
    group.verification_note = reason
    group.verified_at = None
    group.review_requested_at = None
    audit.record(AuditAction.GROUP_CHANGES_REQUESTED, group=group, reason=reason, actor=by)
    _tell_group(group, "group_changes_requested", reason=reason)
    if was_verified:
        mark_public_change()
    db.session.flush()
    return group


def suspend_group(group: Group, reason: str, *, by: User) -> Group:
    """Take the group and its products off the public site, with a reason the
    group sees. Its placed orders are untouched: members still open the
    inbox and finish them, and buyers still follow them."""
    reason = _reason(reason)
    VERIFICATION_FLOW.check(group, "tangguhkan")
    group.status = GroupStatus.SUSPENDED
    group.suspended_reason = reason
    group.suspended_at = utcnow()
    audit.record(AuditAction.GROUP_SUSPENDED, group=group, reason=reason, actor=by)
    _tell_group(group, "group_suspended", reason=reason)
    mark_public_change()
    db.session.flush()
    return group


def reinstate_group(group: Group, reason: str = "", *, by: User) -> Group:
    """Put a suspended group back on the public site (its verification is
    kept as it was). The reason is optional and recorded."""
    VERIFICATION_FLOW.check(group, "aktifkan")
    group.status = GroupStatus.ACTIVE
    group.suspended_reason = ""
    group.suspended_at = None
    reason = clean_multiline(reason, REASON_MAX)
    audit.record(AuditAction.GROUP_REINSTATED, group=group, reason=reason, actor=by)
    _tell_group(group, "group_reinstated", reason=reason)
    mark_public_change()
    db.session.flush()
    return group


def add_note(group: Group, text: str, *, by: User) -> None:
    """A note for the coordinators about the group (a phone call, a visit).
    Kept in the audit log; the group does not see it and is not told."""
    text = _reason(text, NOTE_REQUIRED, field="note")
    VERIFICATION_FLOW.check(group, "catatan")
    audit.record(AuditAction.GROUP_NOTE, group=group, details=text, actor=by)
    db.session.flush()
