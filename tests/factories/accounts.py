"""Accounts: users (every one logs in with `PASSWORD`), their login
sessions, failed log-ins and one-time codes."""

from __future__ import annotations

from datetime import timedelta

import factory

from shop.accounts.models import LoginFailure, LoginSession, User
from shop.accounts.recovery_models import AccountCode, CodePurpose
from shop.db import utcnow
from tests.factories.base import PASSWORD, Base

_HASH_CACHE: dict[str, str] = {}


def _hashed(password: str) -> str:
    if password not in _HASH_CACHE:
        from werkzeug.security import generate_password_hash

        _HASH_CACHE[password] = generate_password_hash(password)
    return _HASH_CACHE[password]


class UserFactory(Base):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"Anggota {n}")
    # +62857…: never one of the demo logins (+62812000000…).
    phone = factory.Sequence(lambda n: f"+62857{n:08d}")
    email = None
    password_hash = factory.LazyFunction(lambda: _hashed(PASSWORD))


class LoginSessionFactory(Base):
    """A live login session of a user for 30 days (the row only: no cookie
    carries its token)."""

    class Meta:
        model = LoginSession

    user = factory.SubFactory(UserFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    device = "Firefox di Android"
    expires_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=30))


class LoginFailureFactory(Base):
    """One failed log-in at a login (its keyed hash), not blocked yet."""

    class Meta:
        model = LoginFailure

    key_hash = factory.Sequence(lambda n: f"{n:064x}")
    failures = 1


class AccountCodeFactory(Base):
    """A number confirmation code of a user, live for ten minutes (its hash
    only: no code typed matches it)."""

    class Meta:
        model = AccountCode

    user = factory.SubFactory(UserFactory)
    purpose = CodePurpose.VERIFY_PHONE
    secret_hash = factory.Sequence(lambda n: f"{n:064x}")
    target = factory.SelfAttribute("user.login_name")
    expires_at = factory.LazyFunction(lambda: utcnow() + timedelta(minutes=10))
