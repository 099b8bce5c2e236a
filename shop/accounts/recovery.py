"""Getting back into an account: a WhatsApp number confirmed by a code, and
a lost password reset by an email link, a WhatsApp code, or a link made by
someone else for the person to open (a coordinator for a group's member:
`shop.coordinators.members`).

Every code and link is an `AccountCode` row holding only a keyed hash of the
secret (`shop.accounts.account_codes`). Only the latest of a person's secrets
for one purpose works, once, until it expires; a typed code dies after
CODE_MAX_TRIES wrong tries. Asking for a reset never tells whether an account
exists: the same work is done and the same page follows whatever was typed.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from shop.accounts import account_codes as codes
from shop.accounts.models import User
from shop.accounts.passwords import validate_new_password
from shop.accounts.recovery_models import RESET_PURPOSES, AccountCode, CodePurpose
from shop.accounts.services import end_all_sessions, find_by_login
from shop.accounts.services import sign_up as open_account
from shop.accounts.sessions import start_session
from shop.accounts.throttle import clear_login_failures
from shop.core.templating import absolute_url
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.notify.messaging import (
    queue_email,
    queue_whatsapp,
    render_email,
    render_whatsapp,
    whatsapp_enabled,
)

LINK_REFUSED = _l("This link no longer works. Ask for a new one.")


def _minutes(name: str) -> timedelta:
    return timedelta(minutes=current_app.config[name])


# --- confirming a WhatsApp number ---------------------------------------------


def number_to_confirm(user: User) -> str | None:
    """The number waiting for its code: a new one, or an unconfirmed own one."""
    if user.pending_phone:
        return user.pending_phone
    if user.phone and user.phone_verified_at is None:
        return user.phone
    return None


def needs_confirmation(user: User) -> bool:
    return whatsapp_enabled() and number_to_confirm(user) is not None


def resend_wait(user: User, now: datetime | None = None) -> int:
    """Seconds before another confirmation code may be sent (0: now)."""
    return codes.resend_wait(user, CodePurpose.VERIFY_PHONE, now or utcnow())


def send_confirmation_code(
    user: User, locale: str, *, now: datetime | None = None, wait: bool = True
) -> AccountCode:
    """Send a code to the number waiting for confirmation, throttled
    (`shop.accounts.account_codes.send_code`; `wait=False` for a number just
    typed)."""
    phone = number_to_confirm(user)
    if phone is None or not whatsapp_enabled():
        raise DomainError(_l("There is no number waiting for a code."))
    return codes.send_code(
        user, CodePurpose.VERIFY_PHONE, phone, locale, now=now or utcnow(), wait=wait
    )


def sign_up(name: str, login: tuple[str, str], password: str, user_agent: str, locale: str) -> User:
    """Create the account, log this browser in (services.sign_up) and send
    the first code to its number when there is one to confirm. The person's
    messages are in the language they signed up in until they choose."""
    user = open_account(name, login, password, user_agent)
    user.locale = locale
    start_confirmation(user, locale)
    return user


def start_confirmation(user: User, locale: str) -> bool:
    """After sign-up with a number: send its first code when the channel is
    on. Returns whether the person has a code to enter."""
    if not needs_confirmation(user):
        return False
    send_confirmation_code(user, locale, wait=False)
    return True


def confirm_number(user: User, code: str, *, now: datetime | None = None) -> str:
    """The code came back: the number it went to is the person's, confirmed.

    A new number replaces the old one only now, so a mistyped new number never
    locks the person out of the number that works.
    """
    now = now or utcnow()
    phone = number_to_confirm(user)
    row = codes.latest(user, CodePurpose.VERIFY_PHONE)
    if row is not None and row.target != phone:
        row = None
    codes.check_code(row, user.id, code, now)
    if user.pending_phone:
        if _phone_taken(user.pending_phone, user):
            raise DomainError(_l("This number already has an account."), field="code")
        user.phone = user.pending_phone
        user.pending_phone = None
    row.used_at = now
    user.phone_verified_at = now
    db.session.flush()
    return user.phone


def _phone_taken(phone: str, user: User) -> bool:
    return (
        db.session.scalar(select(User.id).where(User.phone == phone, User.id != user.id))
        is not None
    )


def change_number(
    user: User, phone: str, password: str, locale: str, *, now: datetime | None = None
) -> bool:
    """A new WhatsApp number (E.164), with the current password.

    A confirmed number stays until the new one's code comes back; an
    unconfirmed one (a typo at sign-up) is replaced at once. Without a
    WhatsApp channel nothing can be confirmed and the number just changes.
    Returns whether a code was sent.
    """
    now = now or utcnow()
    if not user.check_password(password):
        raise DomainError(_l("The password is wrong."), field="password")
    if phone == user.phone and user.pending_phone is None and user.phone_verified_at:
        raise DomainError(_l("This is already your number."), field="phone")
    if _phone_taken(phone, user):
        raise DomainError(_l("This number already has an account."), field="phone")
    if not whatsapp_enabled() or user.phone is None or user.phone_verified_at is None:
        if phone != user.phone:
            user.phone = phone
            user.phone_verified_at = None
        user.pending_phone = None
    else:
        user.pending_phone = None if phone == user.phone else phone
    db.session.flush()
    if not needs_confirmation(user):
        codes.revoke(user, (CodePurpose.VERIFY_PHONE,), now)
        return False
    send_confirmation_code(user, locale, now=now, wait=False)
    return True


# --- password reset ----------------------------------------------------------


def request_reset(login: tuple[str, str], locale: str, *, now: datetime | None = None) -> None:
    """Send a reset link by email, or a code by WhatsApp, when the account
    can get one; otherwise nothing, silently.

    Nothing here tells the asker whether an account exists: an unknown login,
    a number that is not confirmed and an account that had its
    RESET_CODES_PER_HOUR all end the same way, after the same rendering work.
    """
    now = now or utcnow()
    kind, value = login
    user = find_by_login(kind, value)
    if kind == "email":
        way = CodePurpose.RESET_EMAIL
        can = user is not None
    else:
        way = CodePurpose.RESET_PHONE
        can = user is not None and whatsapp_enabled() and user.phone_verified_at is not None
    hourly = current_app.config["RESET_CODES_PER_HOUR"]
    recent = codes.made_since(user.id if user is not None else 0, way, now - timedelta(hours=1))
    if can and recent < hourly:
        if way is CodePurpose.RESET_EMAIL:
            _send_reset_link(user, locale, now)
        else:
            _send_reset_code(user, locale, now)
    # The same rendering work as a real message, so the time taken tells nothing.
    elif kind == "email":
        render_email("password_reset", _email_context(None, "-", 0), locale)
    else:
        render_whatsapp("reset_code", ["000000"], locale, {"minutes": 0})


def _email_context(user: User | None, token: str, minutes: int) -> dict:
    return {
        "user": user,
        "name": user.name if user is not None else "",
        "reset_url": absolute_url("recovery.reset_link", token=token),
        "minutes": minutes,
    }


def _send_reset_link(user: User, locale: str, now: datetime) -> None:
    token = secrets.token_urlsafe(32)
    lifetime = _minutes("RESET_EMAIL_LINK_MINUTES")
    codes.issue(
        user,
        CodePurpose.RESET_EMAIL,
        secret_hash=codes.digest(token),
        target=user.email,
        lifetime=lifetime,
        now=now,
    )
    context = _email_context(user, token, int(lifetime.total_seconds() // 60))
    queue_email("password_reset", user.email, "password_reset", context, locale)


def _send_reset_code(user: User, locale: str, now: datetime) -> None:
    code = codes.new_code()
    lifetime = _minutes("RESET_CODE_MINUTES")
    codes.issue(
        user,
        CodePurpose.RESET_PHONE,
        secret_hash=codes.code_digest(user.id, CodePurpose.RESET_PHONE, code),
        target=user.phone,
        lifetime=lifetime,
        now=now,
    )
    minutes = int(lifetime.total_seconds() // 60)
    queue_whatsapp(
        "reset_code", user.phone, "reset_code", [code], locale, context={"minutes": minutes}
    )


def _set_new_password(
    user: User, password: str, row: AccountCode, now: datetime, user_agent: str
) -> None:
    validate_new_password(password, user_inputs=[user.name, user.phone or "", user.email or ""])
    user.set_password(password)
    row.used_at = now
    # One way back in is enough: every other link or code stops working.
    codes.revoke(user, RESET_PURPOSES, now)
    end_all_sessions(user)
    # This browser is logged in again, under a new session (its token on the user).
    start_session(user, user_agent)
    # The owner is back: failed log-ins counted against her logins are forgotten.
    for kind in ("phone", "email"):
        if getattr(user, kind):
            clear_login_failures(kind, getattr(user, kind))
    db.session.flush()


def reset_with_code(
    phone: str, code: str, password: str, user_agent: str = "", *, now: datetime | None = None
) -> User:
    """The code sent by WhatsApp, typed with the number and a new password;
    this browser is logged in under a new session."""
    now = now or utcnow()
    user = find_by_login("phone", phone)
    row = codes.latest(user, CodePurpose.RESET_PHONE) if user is not None else None
    codes.check_code(row, user.id if user is not None else None, code, now)
    _set_new_password(user, password, row, now, user_agent)
    if row.target == user.phone and user.phone_verified_at is None:
        user.phone_verified_at = now
    return user


def link_for(token: str, *, now: datetime | None = None) -> AccountCode | None:
    """The usable reset link for this token, or None. Reading it changes
    nothing: link scanners and chat previews open links too."""
    now = now or utcnow()
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(
        select(AccountCode).where(
            AccountCode.secret_hash == codes.digest(token),
            AccountCode.purpose.in_([CodePurpose.RESET_EMAIL, CodePurpose.RESET_COORDINATOR]),
        )
    )
    if row is None or not row.usable(now, current_app.config["CODE_MAX_TRIES"]):
        return None
    return row


def reset_with_link(
    token: str, password: str, user_agent: str = "", *, now: datetime | None = None
) -> User:
    """A new password through a reset link; this browser is logged in under
    a new session."""
    now = now or utcnow()
    row = link_for(token, now=now)
    if row is None:
        raise DomainError(LINK_REFUSED)
    user = row.user
    _set_new_password(user, password, row, now, user_agent)
    if row.purpose is CodePurpose.RESET_EMAIL and row.target == user.email:
        user.email_verified_at = user.email_verified_at or now
    return user


def issue_shared_reset_link(user: User, by: User, *, now: datetime | None = None) -> str:
    """A one-time reset link's token for someone who has neither email nor a
    confirmed number, made by `by` to pass on by hand; it works once, for
    RESET_COORDINATOR_LINK_HOURS. The caller checks who may make one and
    records it (`shop.coordinators.members.services`)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    hours = current_app.config["RESET_COORDINATOR_LINK_HOURS"]
    codes.issue(
        user,
        CodePurpose.RESET_COORDINATOR,
        secret_hash=codes.digest(token),
        target="",
        lifetime=timedelta(hours=hours),
        now=now,
        by=by,
    )
    return token
