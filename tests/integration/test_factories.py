"""Every mapped model has a factory in tests/factories, and each factory,
called with no arguments, makes a row the database accepts (constraints,
foreign keys) on the engine of this run: SQLite, or PostgreSQL in CI's second.

A new model without a factory fails `test_every_model_has_a_factory`: add one
to its domain's module in tests/factories and export it from the package."""

from __future__ import annotations

import inspect

import pytest
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import inspect as sa_inspect

import shop.models  # noqa: F401  (every model, as Alembic sees them)
import tests.factories
from shop.extensions import db

FACTORIES = sorted(
    (
        value
        for value in vars(tests.factories).values()
        if inspect.isclass(value)
        and issubclass(value, SQLAlchemyModelFactory)
        and not value._meta.abstract
    ),
    key=lambda factory_class: factory_class.__name__,
)


def test_every_model_has_a_factory(app):
    mapped = {mapper.class_ for mapper in db.Model.registry.mappers}
    made = {factory_class._meta.model for factory_class in FACTORIES}

    assert sorted(model.__name__ for model in mapped - made) == []
    assert made <= mapped


def test_every_factory_is_exported():
    exported = set(tests.factories.__all__)

    assert [f.__name__ for f in FACTORIES if f.__name__ not in exported] == []
    assert len(FACTORIES) == len({f._meta.model for f in FACTORIES}), "two factories, one model"


@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda f: f.__name__)
def test_each_factory_makes_a_row_the_database_accepts(app_ctx, factory_class):
    row = factory_class()
    db.session.flush()

    assert sa_inspect(row).persistent
    db.session.expire_all()
    identity = sa_inspect(row).identity
    assert db.session.get(factory_class._meta.model, identity) is not None


def test_factories_make_distinct_rows(app_ctx):
    """Called twice, each factory makes a second row (unique columns come
    from sequences, not constants)."""
    for factory_class in FACTORIES:
        first, second = factory_class(), factory_class()
        db.session.flush()
        assert sa_inspect(first).identity != sa_inspect(second).identity, factory_class
