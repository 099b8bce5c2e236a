"""The group's own WhatsApp number, verified by a code: until a code sent to
the number comes back, the number gets no order alert (`Group.alert_number`).

The codes are the accounts' (`shop.accounts.account_codes`): the same
template, lifetime, tries and sending limits as a person's own number, held by
the group so that any ketua may enter the code another one asked for.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from shop.accounts import account_codes as codes
from shop.accounts.models import User
from shop.accounts.recovery_models import AccountCode, CodePurpose
from shop.audit.models import AuditAction
from shop.audit.services import record
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import Group
from shop.i18n.formatting import phone_display
from shop.notify.messaging import whatsapp_enabled

PURPOSE = CodePurpose.VERIFY_GROUP_PHONE


class NumberStatus(enum.Enum):
    NONE = "none"
    UNVERIFIED = "unverified"
    VERIFIED = "verified"


def number_status(group: Group) -> NumberStatus:
    if not group.whatsapp:
        return NumberStatus.NONE
    return NumberStatus.VERIFIED if group.whatsapp_verified_at else NumberStatus.UNVERIFIED


def resend_wait(group: Group, now: datetime | None = None) -> int:
    """Seconds before another code may be sent to the group's number (0: now)."""
    return codes.resend_wait(None, PURPOSE, now or utcnow(), group_id=group.id)


def code_pending(group: Group, now: datetime | None = None) -> bool:
    """Whether a code was sent to the group's present number and may still be typed."""
    row = _latest_for_number(group)
    return row is not None and row.usable(now or utcnow(), current_app.config["CODE_MAX_TRIES"])


def _latest_for_number(group: Group) -> AccountCode | None:
    """The group's latest code, if it went to the number the group has now."""
    row = codes.latest(None, PURPOSE, group_id=group.id)
    return row if row is not None and row.target == group.whatsapp else None


def send_group_code(
    group: Group, by: User, locale: str, *, now: datetime | None = None
) -> AccountCode:
    """Send a code to the group's unverified number, asked for by `by` (a
    ketua); throttled per group as a person's own codes are."""
    if not whatsapp_enabled():
        raise DomainError(_l("This site does not send WhatsApp messages at the moment."))
    if number_status(group) is not NumberStatus.UNVERIFIED:
        raise DomainError(_l("The group has no number waiting for a code."))
    return codes.send_code(
        by, PURPOSE, group.whatsapp, locale, now=now or utcnow(), group_id=group.id
    )


def verify_group_number(group: Group, code: str, by: User, *, now: datetime | None = None) -> str:
    """The code came back: the group's number is verified and from now on
    gets the group's order alerts. Recorded in the audit log."""
    now = now or utcnow()
    row = _latest_for_number(group) if number_status(group) is NumberStatus.UNVERIFIED else None
    codes.check_code(row, group.id, code, now)
    row.used_at = now
    group.whatsapp_verified_at = now
    record(
        AuditAction.GROUP_WHATSAPP_VERIFIED,
        group=group,
        actor=by,
        details=phone_display(group.whatsapp),
    )
    db.session.flush()
    return group.whatsapp
