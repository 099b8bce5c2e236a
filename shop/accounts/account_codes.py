"""One-time secrets stored as `AccountCode` rows: made, revoked, found,
checked and swept, and a number's confirmation code sent on WhatsApp. Only a
keyed hash of each code or link token is stored; only the latest of a
person's secrets for one purpose works (`shop.accounts.recovery` uses them).

A group's code (`group_id` given) belongs to the group, not to the member who
asked for it: the latest of the group's codes works for any member who may
enter it, and the group's sends are counted together
(`shop.groups.group_number`)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update

from shop.accounts.models import User
from shop.accounts.recovery_models import AccountCode, CodePurpose
from shop.core.codes import DIGITS, random_code
from shop.db import utcnow
from shop.errors import CountedRefusal, DomainError
from shop.extensions import db
from shop.notify.messaging import queue_whatsapp

CODE_DIGITS = 6
CODE_REFUSED = _l("This code is wrong or no longer works. Ask for a new one.")
# A code or link that stopped working (used, revoked or expired) is kept this
# long, then swept by the periodic task (`shop.accounts.sessions.sweep`).
KEEP_DEAD = timedelta(days=1)


def digest(secret: str) -> str:
    """HMAC-SHA256 under the app's secret key: a stolen table of hashes of
    6-digit codes cannot be reversed by trying the million codes."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def code_digest(user_id: int, purpose: CodePurpose, code: str) -> str:
    return digest(f"{purpose.value}:{user_id}:{code}")


def new_code() -> str:
    return random_code(DIGITS, CODE_DIGITS)


class WrongCode(CountedRefusal):
    """A wrong code was typed: refused, and the try it counted is committed."""


def _holder(user: User | int | None, group_id: int | None):
    """A group's codes, or a person's own (not those asked for a group)."""
    if group_id is not None:
        return AccountCode.group_id == group_id
    user_id = user.id if isinstance(user, User) else user or 0
    return (AccountCode.user_id == user_id) & AccountCode.group_id.is_(None)


def issue(
    user: User,
    purpose: CodePurpose,
    *,
    secret_hash: str,
    target: str,
    lifetime: timedelta,
    now: datetime,
    by: User | None = None,
    group_id: int | None = None,
) -> AccountCode:
    """A new secret for `purpose`; the person's (or the group's) earlier
    ones for it stop working."""
    revoke(user, (purpose,), now, group_id=group_id)
    row = AccountCode(
        user_id=user.id,
        group_id=group_id,
        purpose=purpose,
        secret_hash=secret_hash,
        target=target,
        created_at=now,
        expires_at=now + lifetime,
        created_by_id=by.id if by is not None else None,
    )
    db.session.add(row)
    db.session.flush()
    return row


def revoke(
    user: User | None,
    purposes: Iterable[CodePurpose],
    now: datetime,
    *,
    group_id: int | None = None,
) -> None:
    db.session.execute(
        update(AccountCode)
        .where(
            _holder(user, group_id),
            AccountCode.purpose.in_(list(purposes)),
            AccountCode.used_at.is_(None),
            AccountCode.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )


def latest(
    user: User | None, purpose: CodePurpose, *, group_id: int | None = None
) -> AccountCode | None:
    return db.session.scalar(
        select(AccountCode)
        .where(_holder(user, group_id), AccountCode.purpose == purpose)
        .order_by(AccountCode.created_at.desc(), AccountCode.id.desc())
        .limit(1)
    )


def made_since(
    user_id: int, purpose: CodePurpose, since: datetime, *, group_id: int | None = None
) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AccountCode)
        .where(
            _holder(user_id, group_id),
            AccountCode.purpose == purpose,
            AccountCode.created_at > since,
        )
    )


def check_code(row: AccountCode | None, holder_id: int | None, code: str, now: datetime) -> None:
    """Refuse a code that is not the latest usable one; count a wrong try.

    `holder_id` is the id the code's digest was made with (`code_digest`):
    the person's, or the group's for a group's code."""
    max_tries = current_app.config["CODE_MAX_TRIES"]
    if row is None or holder_id is None or not row.usable(now, max_tries):
        # The same work as a real comparison, so a miss takes the same time.
        hmac.compare_digest(digest(code), digest(""))
        raise DomainError(CODE_REFUSED, field="code")
    expected = code_digest(holder_id, row.purpose, code.strip())
    if not hmac.compare_digest(row.secret_hash, expected):
        row.tries += 1
        db.session.flush()
        raise WrongCode(CODE_REFUSED, field="code")


# --- confirmation codes sent on WhatsApp -------------------------------------


def resend_wait(
    user: User | None, purpose: CodePurpose, now: datetime, *, group_id: int | None = None
) -> int:
    """Seconds before another confirmation code may be sent (0: now)."""
    last = latest(user, purpose, group_id=group_id)
    if last is None:
        return 0
    ready = last.created_at + timedelta(seconds=current_app.config["VERIFY_RESEND_SECONDS"])
    return max(0, int((ready - now).total_seconds() + 0.999))


def send_code(
    user: User,
    purpose: CodePurpose,
    phone: str,
    locale: str,
    *,
    now: datetime,
    wait: bool = True,
    group_id: int | None = None,
) -> AccountCode:
    """Send a new code to `phone` on WhatsApp (template "verify_code"), made
    by `user` (for the group `group_id` when given); earlier ones stop working.

    At most one every VERIFY_RESEND_SECONDS (`wait=False` for a number just
    typed) and VERIFY_CODES_PER_HOUR an hour for one holder, so nobody can use
    the site to flood a number with messages.
    """
    if wait and (seconds := resend_wait(user, purpose, now, group_id=group_id)):
        raise DomainError(
            _l("Please wait %(seconds)d seconds before asking for a new code.", seconds=seconds)
        )
    hourly = current_app.config["VERIFY_CODES_PER_HOUR"]
    if made_since(user.id, purpose, now - timedelta(hours=1), group_id=group_id) >= hourly:
        raise DomainError(_l("Too many codes were sent in the last hour. Try again later."))
    code = new_code()
    lifetime = timedelta(minutes=current_app.config["VERIFY_CODE_MINUTES"])
    holder_id = group_id if group_id is not None else user.id
    row = issue(
        user,
        purpose,
        secret_hash=code_digest(holder_id, purpose, code),
        target=phone,
        lifetime=lifetime,
        now=now,
        group_id=group_id,
    )
    queue_whatsapp(
        "verify_code",
        phone,
        "verify_code",
        [code],
        locale,
        context={"minutes": int(lifetime.total_seconds() // 60)},
    )
    return row


def sweep_codes() -> int:
    """Delete the codes and links that stopped working (used, revoked or
    expired) more than KEEP_DEAD ago; returns how many. The hourly limits
    count the codes of the last hour, which are never this old."""
    cutoff = utcnow() - KEEP_DEAD
    result = db.session.execute(
        delete(AccountCode).where(
            or_(
                AccountCode.used_at < cutoff,
                AccountCode.revoked_at < cutoff,
                AccountCode.expires_at < cutoff,
            )
        )
    )
    return result.rowcount
