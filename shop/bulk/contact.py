"""Verifying a requester's contact without an account: a 6-digit code sent
by WhatsApp to the number (when the channel is on) or else by email, stored
as its keyed hash (the accounts' `digest`). Only the latest code for a
contact and purpose works, once, until it expires; a code dies after
CODE_MAX_TRIES wrong tries; at most VERIFY_CODES_PER_HOUR codes an hour go
to one contact, so the site cannot be used to flood it."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from shop.accounts.account_codes import digest, new_code
from shop.bulk.models import ContactCode, ContactPurpose
from shop.errors import CountedRefusal, DomainError
from shop.extensions import db
from shop.notify.messaging import queue_email, queue_whatsapp, whatsapp_enabled

CODE_REFUSED = _l("This code is wrong or no longer works. Ask for a new one.")


class WrongContactCode(CountedRefusal):
    """A wrong code: refused, and the try it counted is committed."""


def channel_for(phone: str, email: str | None) -> tuple[str, str]:
    """Where codes and links go: ("whatsapp", number) when WhatsApp is on,
    else ("email", address); without either, the email field is asked for."""
    if whatsapp_enabled():
        return "whatsapp", phone
    if email:
        return "email", email
    raise DomainError(
        _l("Give an email address: we send the confirmation code there."), field="email"
    )


def _hash(contact: str, purpose: ContactPurpose, code: str) -> str:
    return digest(f"bulk:{purpose.value}:{contact}:{code}")


def send_code(
    channel: str,
    contact: str,
    purpose: ContactPurpose,
    locale: str,
    now: datetime,
    request_id: int | None = None,
) -> ContactCode:
    """A new code for `contact`; its earlier ones for `purpose` stop working."""
    since = now - timedelta(hours=1)
    recent = db.session.scalar(
        select(func.count())
        .select_from(ContactCode)
        .where(ContactCode.contact == contact, ContactCode.created_at > since)
    )
    if recent >= current_app.config["VERIFY_CODES_PER_HOUR"]:
        raise DomainError(_l("Too many codes were sent in the last hour. Try again later."))
    db.session.execute(
        update(ContactCode)
        .where(
            ContactCode.contact == contact,
            ContactCode.purpose == purpose,
            ContactCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    code = new_code()
    minutes = current_app.config["VERIFY_CODE_MINUTES"]
    row = ContactCode(
        contact=contact,
        purpose=purpose,
        request_id=request_id,
        secret_hash=_hash(contact, purpose, code),
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    db.session.add(row)
    db.session.flush()
    if channel == "whatsapp":
        queue_whatsapp(
            "bulk_code", contact, "verify_code", [code], locale, context={"minutes": minutes}
        )
    else:
        queue_email(
            "bulk_code", contact, "bulk_contact_code", {"code": code, "minutes": minutes}, locale
        )
    return row


def use_code(contact: str, purpose: ContactPurpose, code: str, now: datetime) -> ContactCode:
    """The latest usable code for `contact` is `code`: mark it used. A wrong
    code counts a try (WrongContactCode, committed by the caller)."""
    row = db.session.scalar(
        select(ContactCode)
        .where(ContactCode.contact == contact, ContactCode.purpose == purpose)
        .order_by(ContactCode.created_at.desc(), ContactCode.id.desc())
        .limit(1)
        .with_for_update()
    )
    max_tries = current_app.config["CODE_MAX_TRIES"]
    if row is None or row.used_at is not None or row.tries >= max_tries or now >= row.expires_at:
        hmac.compare_digest(digest(code), digest(""))
        raise DomainError(CODE_REFUSED, field="code")
    if not hmac.compare_digest(row.secret_hash, _hash(contact, purpose, code.strip())):
        row.tries += 1
        db.session.flush()
        raise WrongContactCode(CODE_REFUSED, field="code")
    row.used_at = now
    db.session.flush()
    return row
