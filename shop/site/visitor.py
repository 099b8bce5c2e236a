"""Who the visitor is, for the parts of a page that are theirs (shop.core.personal).

Two ways to the same `Visitor`:
- `of_request`: in Flask, from the session and the logged-in person;
- `of_cookie`: from a decoded session cookie, for the page cache, which
  answers without Flask. It reads what the cookie holds (the cart, the
  login's id, the CSRF secret) and looks the login up with one SELECT, the
  same conditions as `shop.accounts.sessions.load`. Whenever the cookie does
  not say everything (a message to take out of the session, a login session
  due to be marked as seen, one that ended, keys it does not know), it says
  None and Flask serves the visitor.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, get_flashed_messages, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import bindparam, select
from sqlalchemy.exc import SQLAlchemyError

from shop.accounts import sessions
from shop.accounts.models import LoginSession, User
from shop.cart.session import ID_KEY, LINES_KEY, VERSION_KEY
from shop.coordinators.models import Coordinator
from shop.coordinators.scope import coordinator_of
from shop.core.personal import Visitor
from shop.db import utcnow
from shop.db_events import reading
from shop.extensions import db
from shop.groups.queries import in_a_group

log = logging.getLogger(__name__)

# What a session may hold for the page cache to fill a page by itself:
# the cart, Flask-Login's keys and Flask-WTF's CSRF secret.
COOKIE_KEYS = frozenset(
    {LINES_KEY, ID_KEY, VERSION_KEY, "csrf_token", "_user_id", "_fresh", "_id", "_permanent"}
)
CSRF_SALT = "wtf-csrf-token"  # Flask-WTF's, so the token is one it accepts

# Whether the person is in a group: loaded with the person (blueprint.py adds
# it to shop.accounts.sessions.LOAD_WITH).
IN_A_GROUP = "in_a_group"


def _cart_lines(cart) -> int | None:
    if cart is None:
        return 0
    return len(cart) if isinstance(cart, dict) else None


def of_request() -> Visitor:
    lines = _cart_lines(session.get(LINES_KEY)) or 0
    flashes = tuple(get_flashed_messages(with_categories=True))
    if not current_user.is_authenticated:
        return Visitor(cart_lines=lines, flashes=flashes)
    return Visitor(
        cart_lines=lines,
        name=current_user.name,
        coordinator=coordinator_of(current_user) is not None,
        member=_in_a_group(current_user),
        csrf_token=generate_csrf(),
        flashes=flashes,
    )


def in_a_group_column():
    return in_a_group(User.id)


def _in_a_group(user) -> bool:
    """Loaded with the person, else asked (a person logged in otherwise)."""
    known = user.loaded_with.get(IN_A_GROUP)
    if known is None:
        known = db.session.scalar(select(in_a_group(user.id)))
    return bool(known)


def of_cookie(data: dict, app: Flask) -> Visitor | None:
    if not COOKIE_KEYS.issuperset(data):
        return None
    lines = _cart_lines(data.get(LINES_KEY))
    user_id = data.get("_user_id")
    if lines is None:
        return None
    if user_id is None:
        return Visitor(cart_lines=lines)
    secret = data.get("csrf_token")
    if not isinstance(user_id, str) or not isinstance(secret, str):
        return None
    login = _live_login(user_id, app)
    if login is None:
        return None
    name, coordinator, member = login
    return Visitor(
        cart_lines=lines,
        name=name,
        coordinator=coordinator,
        member=member,
        csrf_token=_csrf(secret, app),
    )


# One statement, built once: the same conditions as sessions.load.
LIVE_LOGIN = (
    select(User.name, LoginSession.last_seen_at, Coordinator.id, in_a_group(User.id))
    .join(LoginSession, LoginSession.user_id == User.id)
    .outerjoin(Coordinator, Coordinator.user_id == User.id)
    .where(
        User.id == bindparam("uid"),
        LoginSession.token_hash == bindparam("token_hash"),
        LoginSession.ended_at.is_(None),
        LoginSession.expires_at > bindparam("now"),
    )
)


# What a login lookup found, kept in this process (never in the shared
# cache) for LOOKUP_SECONDS: a buyer browsing asks again at most that often.
# A login ended on another device shows as logged in on public pages for at
# most that long; every private page asks the database itself.
LOOKUP_SECONDS = 10
MAX_LOOKUPS = 10_000
_lookups: dict[tuple[int, str], tuple[float, tuple | None]] = {}


def _live_login(user_id: str, app: Flask) -> tuple[str, bool, bool] | None:
    """(name, is a coordinator, is in a group) of a live login session not due
    to be marked as seen; None otherwise, and when the database does not answer."""
    parsed = sessions.parse_id(user_id)
    if parsed is None:
        return None
    uid, token = parsed
    key = (uid, sessions.token_hash(token))
    now = utcnow()
    kept = _lookups.get(key)
    if kept is not None and kept[0] > time.time():
        row = kept[1]
    else:
        params = {"uid": uid, "token_hash": key[1], "now": now}
        try:
            # Its own application context, only for the lookup. It only
            # reads: on SQLite it must not queue for the write lock.
            with app.app_context(), reading():
                row = db.session.connection().execute(LIVE_LOGIN, params).first()
        except SQLAlchemyError as error:
            log.warning("page cache: login lookup failed, Flask serves the page: %s", error)
            return None
        if row is None:
            return None
        if len(_lookups) >= MAX_LOOKUPS:
            _lookups.clear()
        row = tuple(row)
        _lookups[key] = (time.time() + LOOKUP_SECONDS, row)
    name, last_seen_at, coordinator_id, member = row
    if now - last_seen_at >= sessions.TOUCH_EVERY:
        return None
    return name, coordinator_id is not None, bool(member)


# A form token made of a session's secret is reused for this long, by secret
# (a token is signed with its time: one made this much earlier is valid for
# that much less of WTF_CSRF_TIME_LIMIT, an hour by default).
TOKEN_REUSE_SECONDS = 60
_tokens: dict[str, tuple[float, str]] = {}


def _csrf(secret: str, app: Flask) -> str:
    """The form token Flask-WTF's generate_csrf makes of the session's secret."""
    now = time.time()
    kept = _tokens.get(secret)
    if kept is not None and now - kept[0] < TOKEN_REUSE_SECONDS:
        return kept[1]
    key = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    token = URLSafeTimedSerializer(key, salt=CSRF_SALT).dumps(secret)
    if len(_tokens) >= MAX_LOOKUPS:
        _tokens.clear()
    _tokens[secret] = (now, token)
    return token
