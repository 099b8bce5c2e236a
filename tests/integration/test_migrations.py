"""The migrations build exactly the schema the models describe."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shop.extensions import db

ENV = Path(__file__).resolve().parents[2] / "migrations" / "env.py"


def _include_object():
    """The same filter env.py gives autogenerate (search index tables)."""
    source = ENV.read_text()
    start = source.index("UNMODELLED_PREFIXES")
    end = source.index("def render_item")
    namespace: dict = {}
    exec(source[start:end], namespace)  # noqa: S102 - our own file, the filter functions only
    return namespace["include_object"]


def test_upgrade_from_empty_matches_the_models(app):
    """conftest built the database with `flask db upgrade` from nothing."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_object": _include_object()},
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_regions_are_loaded_by_the_migrations(app):
    from sqlalchemy import func, select

    from shop.regions.models import District, Province, Regency

    with app.app_context():
        counts = [
            db.session.scalar(select(func.count()).select_from(m))
            for m in (Province, Regency, District)
        ]
    assert counts == [38, 514, 7285]
