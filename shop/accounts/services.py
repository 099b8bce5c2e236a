"""Writes for people: sign-up, log-in checks and password changes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from shop.accounts.models import User
from shop.db import utcnow
from shop.errors import DomainError
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


def authenticate(login: tuple[str, str], password: str) -> User:
    user = find_by_login(*login)
    if user is None:
        _DUMMY.check_password(password)
        raise DomainError(_l("Wrong number/email or password."))
    if not user.check_password(password):
        raise DomainError(_l("Wrong number/email or password."))
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Changing the password ends the person's other sessions."""
    if not user.check_password(current):
        raise DomainError(_l("The current password is wrong."), field="current")
    if len(new) < PASSWORD_MIN:
        raise DomainError(_l("Use at least 8 characters for the password."), field="password")
    user.set_password(new)
    end_all_sessions(user)


def end_all_sessions(user: User) -> None:
    """End every session of this person, on every device (remember-me too).

    Password change and reset, and "log out on all devices", call this.
    """
    user.session_version += 1
    db.session.flush()
