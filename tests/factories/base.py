"""What every factory shares: the session (bound lazily, so the test's
rolled-back one is used) and the one password every test user has."""

from __future__ import annotations

from factory.alchemy import SQLAlchemyModelFactory

from shop.extensions import db

PASSWORD = "rahasia-123"


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"
