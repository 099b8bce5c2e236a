"""What the backup tests compare before and after: every row, every stored file."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import create_engine, select, text

from shop.backup.database import current_revision
from shop.extensions import db
from shop.media.storage import get_storage


def table_rows(app) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order, as the models read them."""
    with app.app_context(), db.engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in db.metadata.sorted_tables
        }


def stored_files(app) -> dict[str, bytes]:
    with app.app_context():
        storage = get_storage()
        return {stored.path: storage.read(stored.path) for stored in storage.iter_files()}


def revision(app) -> str | None:
    with app.app_context(), db.engine.connect() as connection:
        return current_revision(connection)


def wipe(app) -> None:
    """Drop the whole database and the media folder, as a lost server would."""
    with app.app_context():
        url = db.engine.url
        db.engine.dispose()
    if url.get_backend_name() == "postgresql":
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
    shutil.rmtree(app.config["MEDIA_ROOT"], ignore_errors=True)
