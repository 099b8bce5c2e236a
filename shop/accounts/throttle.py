"""Per-account log-in throttling: failed log-ins counted per login, in the database.

The per-address limit (Flask-Limiter, LOGIN_RATE_LIMIT) stops one machine;
this stops many machines guessing at one account. Failures are counted per
login key (the normalised phone or email, as a keyed hash), whether or not an
account has that login, so the answer tells nobody which accounts exist.
After LOGIN_FREE_FAILURES failures each further attempt waits a delay that
doubles from LOGIN_DELAY_SECONDS up to LOGIN_DELAY_MAX_SECONDS; an attempt
during the delay is refused without looking at the password. Never a
permanent lockout: the owner waits at most the cap, and a successful log-in
(or a password reset) clears the count. The database is shared by every
machine; one upsert counts concurrent guesses right on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from shop.accounts.models import LoginFailure
from shop.db import utcnow
from shop.extensions import db


def login_key(kind: str, value: str) -> str:
    """A keyed hash of the login: the table holds no phone numbers or addresses."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"login:{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def delay_after(failures: int) -> timedelta | None:
    """How long the next attempt waits after this many failures in a row."""
    config = current_app.config
    extra = failures - int(config["LOGIN_FREE_FAILURES"]) + 1
    if extra <= 0:
        return None
    base = float(config["LOGIN_DELAY_SECONDS"])
    cap = float(config["LOGIN_DELAY_MAX_SECONDS"])
    # 2**extra grows past any cap long before it overflows a float.
    return timedelta(seconds=min(cap, base * 2 ** min(extra - 1, 30)))


def wait_seconds(kind: str, value: str) -> int:
    """Seconds before this login may be tried again (0: now)."""
    blocked_until = db.session.scalar(
        select(LoginFailure.blocked_until).where(LoginFailure.key_hash == login_key(kind, value))
    )
    if blocked_until is None:
        return 0
    left = (blocked_until - utcnow()).total_seconds()
    return max(0, math.ceil(left))


def record_failure(kind: str, value: str) -> int:
    """Count a failed log-in at this login; returns the failures in a row.

    One INSERT … ON CONFLICT DO UPDATE, so guesses arriving at once each count.
    A failure long after the last one (LOGIN_FAILURES_FORGET_HOURS) starts over.
    """
    now = utcnow()
    key = login_key(kind, value)
    forget = now - timedelta(hours=float(current_app.config["LOGIN_FAILURES_FORGET_HOURS"]))
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(LoginFailure).values(
        key_hash=key, failures=1, last_failed_at=now, blocked_until=None
    )
    statement = statement.on_conflict_do_update(
        index_elements=[LoginFailure.key_hash],
        set_={
            "failures": case(
                (LoginFailure.last_failed_at < forget, 1), else_=LoginFailure.failures + 1
            ),
            "last_failed_at": now,
        },
    ).returning(LoginFailure.failures)
    failures = db.session.execute(statement).scalar_one()
    delay = delay_after(failures)
    if delay is not None:
        db.session.execute(
            update(LoginFailure)
            .where(LoginFailure.key_hash == key)
            .values(blocked_until=now + delay)
        )
    return failures


def clear_login_failures(kind: str, value: str) -> None:
    """Forget the failures at this login (a successful log-in, a password reset)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.key_hash == login_key(kind, value)))


def sweep_failures() -> int:
    """Delete counts nobody has added to for LOGIN_FAILURES_FORGET_HOURS and
    that block nothing any more."""
    now = utcnow()
    forget = now - timedelta(hours=float(current_app.config["LOGIN_FAILURES_FORGET_HOURS"]))
    result = db.session.execute(
        delete(LoginFailure).where(
            LoginFailure.last_failed_at < forget,
            (LoginFailure.blocked_until.is_(None)) | (LoginFailure.blocked_until < now),
        )
    )
    return result.rowcount
