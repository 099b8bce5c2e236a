"""Accounts: users (every one logs in with `PASSWORD`)."""

from __future__ import annotations

import factory

from shop.accounts.models import User
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
