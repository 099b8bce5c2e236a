"""Writes for people: sign-up, log-in checks, sessions and password changes."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import format_timedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from shop.accounts import sessions, throttle
from shop.accounts.models import LoginSession, User
from shop.accounts.passwords import validate_new_password
from shop.db import utcnow
from shop.errors import CountedRefusal, DomainError
from shop.extensions import db

PASSWORD_MIN = 8

# A valid hash to check against when nobody has that login, so a wrong login
# and a wrong password take the same time.
_DUMMY = User(password_hash="", name="")
_DUMMY.set_password("not-a-real-password")


def find_by_login(kind: str, value: str) -> User | None:
    column = User.phone if kind == "phone" else User.email
    return db.session.scalar(select(User).where(column == value))


def register_user(name: str, login: tuple[str, str], password: str) -> User:
    """Create an account. Phone and email are unique: a taken one is refused
    without saying whose it is."""
    kind, value = login
    if len(password) < PASSWORD_MIN:
        raise DomainError(_l("Use at least 8 characters for the password."), field="password")
    if find_by_login(kind, value) is not None:
        message = (
            _l("This number already has an account. Log in instead.")
            if kind == "phone"
            else _l("This email already has an account. Log in instead.")
        )
        raise DomainError(message, field="login")
    user = User(name=name.strip(), **{kind: value})
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def personal_words(user: User | None, name: str = "", login: tuple[str, str] | None = None):
    """What a password must not be built from: the person's name, number, email."""
    words = [name]
    if login is not None:
        words.append(login[1])
    if user is not None:
        words += [user.name, user.phone or "", user.email or ""]
    return [word for word in words if word]


def sign_up(name: str, login: tuple[str, str], password: str, user_agent: str = "") -> User:
    """Create an account with a password that is not easily guessed, and log
    this browser in (a new login session; its token is on the user)."""
    validate_new_password(password, user_inputs=personal_words(None, name, login))
    user = register_user(name, login, password)
    sessions.start_session(user, user_agent)
    return user


class WrongLogin(CountedRefusal):
    """A wrong login or password: the counted failure is committed with the refusal."""


class _Wait:
    """A wait, written in the reader's language when the message is shown."""

    def __init__(self, seconds: int):
        self.seconds = seconds

    def __str__(self) -> str:
        seconds = self.seconds if self.seconds < 60 else -(-self.seconds // 60) * 60
        return format_timedelta(timedelta(seconds=seconds), threshold=1)


class TooManyFailures(DomainError):
    """This login is waiting out its delay; the password was not checked.
    The form is drawn again with 429 and Retry-After."""

    def __init__(self, seconds: int):
        super().__init__(
            _l(
                "Too many wrong tries for this account. Wait %(wait)s, then try again.",
                wait=_Wait(seconds),
            )
        )
        self.seconds = seconds
        self.status = 429
        self.headers = {"Retry-After": str(seconds)}


def authenticate(login: tuple[str, str], password: str) -> User:
    user = find_by_login(*login)
    if user is None:
        _DUMMY.check_password(password)
        raise WrongLogin(_l("Wrong number/email or password."))
    if not user.check_password(password):
        raise WrongLogin(_l("Wrong number/email or password."))
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def log_in(login: tuple[str, str], password: str, user_agent: str = "") -> User:
    """Check a log-in under the per-account throttle and start a login session.

    During a login's delay the password is not looked at (TooManyFailures);
    a wrong one is counted (WrongLogin, a CountedRefusal: the count is
    committed with the refusal); the
    right one clears the count and starts a session (its token on the user).
    """
    wait = throttle.wait_seconds(*login)
    if wait:
        raise TooManyFailures(wait)
    try:
        user = authenticate(login, password)
    except WrongLogin:
        throttle.record_failure(*login)
        raise
    throttle.clear_login_failures(*login)
    sessions.start_session(user, user_agent)
    return user


def log_out(user: User) -> int:
    """End this browser's session (its cookies log nobody in any more) and
    the notifications turned on in it; returns how many of those went."""
    return sessions.end_session(user.login_session)


def change_password(user: User, current: str, new: str, user_agent: str = "") -> User:
    """Changing the password ends every session of the person, on every
    device, and starts a new one for this browser (its token on the user).
    Returns the person."""
    if not user.check_password(current):
        raise DomainError(_l("The current password is wrong."), field="current")
    validate_new_password(new, user_inputs=personal_words(user))
    user.set_password(new)
    end_all_sessions(user)
    sessions.start_session(user, user_agent)
    return user


def end_all_sessions(user: User) -> None:
    """End every session of this person, on every device (remember-me too).

    Password change and reset, and "log out on all devices", call this.
    """
    sessions.end_sessions_of(user)


def set_message_language(user: User, locale: str) -> User:
    """The language the person's WhatsApp messages, phone notifications and
    emails are written in from now on (what is already queued stays as it was
    written)."""
    if locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_l("Choose Bahasa Indonesia or English."), field="locale")
    user.locale = locale
    db.session.flush()
    return user


def active_sessions(user: User) -> list[LoginSession]:
    return sessions.active_sessions(user)
