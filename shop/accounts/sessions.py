"""Server-side login sessions: every log-in is a row, and a cookie only names it.

Flask-Login keeps `User.get_id()` ("<user id>:<token>") in the session cookie
and in the remember-me cookie; the loader accepts a cookie only while its row
is live (not ended, not expired), so a logged-out, password-changed or
"all devices" session is a logged-out visitor on every page, whichever cookie
is replayed. Only the token's SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, delete, or_, select, update

from shop.accounts.account_codes import sweep_codes
from shop.accounts.models import LoginSession, User
from shop.accounts.throttle import sweep_failures
from shop.db import utcnow
from shop.extensions import db
from shop.notify.models import PushSubscription
from shop.notify.push import end_session_subscriptions

# What packages above accounts load with the person of a logged-in request,
# in the same statement: a name and a function giving a column over User
# (shop.site: whether the person is in a group, for the header). `load` puts
# the values in `user.loaded_with`.
LOAD_WITH: dict[str, Callable[[], ColumnElement]] = {}

# last_seen_at is written at most this often, so page views seldom write.
TOUCH_EVERY = timedelta(hours=1)
# Ended and expired rows are kept this long (the account page ignores them).
KEEP_ENDED = timedelta(days=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lifetime() -> timedelta:
    return current_app.config["REMEMBER_COOKIE_DURATION"]


_BROWSERS = (
    ("SamsungBrowser/", "Samsung Internet"),
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("Opera", "Opera"),
    ("UCBrowser", "UC Browser"),
    ("Firefox/", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Macintosh", "Mac"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """A short name for the browser and system ("Chrome · Android"), or ""."""
    agent = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in agent), "")
    system = next((name for mark, name in _SYSTEMS if re.search(mark, agent)), "")
    return " · ".join(part for part in (browser, system) if part)[:60]


def start_session(user: User, user_agent: str = "") -> str:
    """A new login session for this person; returns its token and sets it on
    `user`, so `login_user(user)` puts it in the cookies."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = LoginSession(
        user=user,
        token_hash=token_hash(token),
        device=device_label(user_agent),
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime(),
    )
    db.session.add(row)
    db.session.flush()
    user.session_token = token
    user.login_session = row
    return token


def parse_id(user_id: str) -> tuple[int, str] | None:
    uid, _, token = (user_id or "").partition(":")
    if not uid.isdigit() or not token or len(token) > 100:
        return None
    return int(uid), token


def load(user_id: str) -> User | None:
    """The person of a live session named by a cookie, in one SQL statement
    (the coordinator role is joined by its eager relationship, the LOAD_WITH
    columns selected with it); None for an ended, expired or unknown session."""
    parsed = parse_id(user_id)
    if parsed is None:
        return None
    uid, token = parsed
    extra = [column().label(name) for name, column in LOAD_WITH.items()]
    statement = (
        select(User, LoginSession, *extra)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            User.id == uid,
            LoginSession.token_hash == token_hash(token),
            LoginSession.ended_at.is_(None),
            LoginSession.expires_at > utcnow(),
        )
        .execution_options(populate_existing=True)
    )
    found = db.session.execute(statement).first()
    if found is None:
        return None
    user, row, *values = found
    user.session_token = token
    user.login_session = row
    user.loaded_with = dict(zip(LOAD_WITH, values, strict=True))
    return user


def needs_touch(row: LoginSession, now: datetime) -> bool:
    return now - row.last_seen_at >= TOUCH_EVERY


def touch(row_id: int) -> None:
    db.session.execute(
        update(LoginSession).where(LoginSession.id == row_id).values(last_seen_at=utcnow())
    )


def end_session(row: LoginSession | None) -> int:
    """End one session (logout), and the notifications its browser turned on
    for the person; returns how many of those went."""
    if row is None:
        return 0
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.id == row.id, LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    ended = end_session_subscriptions(login_session_ids=[row.id])
    db.session.flush()
    return ended


def end_sessions_of(user: User) -> None:
    """End every session of this person, on every device, and every
    browser's notifications for them."""
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    end_session_subscriptions(user_id=user.id)
    db.session.flush()


def active_sessions(user: User) -> list[LoginSession]:
    """The person's live sessions, most recently seen first."""
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(
                LoginSession.user_id == user.id,
                LoginSession.ended_at.is_(None),
                LoginSession.expires_at > utcnow(),
            )
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


def sweep() -> int:
    """Periodic task: delete ended and expired sessions, log-in failure counts
    nobody adds to, and one-time codes and links that stopped working
    (`shop.accounts.account_codes`); returns how many rows went."""
    now = utcnow()
    # A session that expired took its browsers' notifications with it (the
    # alerts skip them at once: shop.groups.alert_choices); they go now.
    dead = (
        select(PushSubscription.login_session_id)
        .join(LoginSession, LoginSession.id == PushSubscription.login_session_id)
        .where(or_(LoginSession.ended_at.is_not(None), LoginSession.expires_at <= now))
    )
    end_session_subscriptions(login_session_ids=db.session.scalars(dead).all())
    cutoff = now - KEEP_ENDED
    result = db.session.execute(
        delete(LoginSession).where(
            or_(LoginSession.ended_at < cutoff, LoginSession.expires_at < cutoff)
        )
    )
    removed = result.rowcount + sweep_failures() + sweep_codes()
    db.session.commit()
    return removed
