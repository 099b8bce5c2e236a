"""One-time secrets stored as `AccountCode` rows: made, revoked, found and
swept. Only a keyed hash of each code or link token is stored; only the
latest of a person's secrets for one purpose works (`shop.accounts.recovery`
checks and uses them)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from shop.accounts.models import User
from shop.accounts.recovery_models import AccountCode, CodePurpose
from shop.core.codes import DIGITS, random_code
from shop.db import utcnow
from shop.extensions import db

CODE_DIGITS = 6
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


def issue(
    user: User,
    purpose: CodePurpose,
    *,
    secret_hash: str,
    target: str,
    lifetime: timedelta,
    now: datetime,
    by: User | None = None,
) -> AccountCode:
    """A new secret for `purpose`; the person's earlier ones for it stop working."""
    revoke(user, (purpose,), now)
    row = AccountCode(
        user_id=user.id,
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


def revoke(user: User, purposes: Iterable[CodePurpose], now: datetime) -> None:
    db.session.execute(
        update(AccountCode)
        .where(
            AccountCode.user_id == user.id,
            AccountCode.purpose.in_(list(purposes)),
            AccountCode.used_at.is_(None),
            AccountCode.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )


def latest(user: User, purpose: CodePurpose) -> AccountCode | None:
    return db.session.scalar(
        select(AccountCode)
        .where(AccountCode.user_id == user.id, AccountCode.purpose == purpose)
        .order_by(AccountCode.created_at.desc(), AccountCode.id.desc())
        .limit(1)
    )


def made_since(user_id: int, purpose: CodePurpose, since: datetime) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AccountCode)
        .where(
            AccountCode.user_id == user_id,
            AccountCode.purpose == purpose,
            AccountCode.created_at > since,
        )
    )


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
