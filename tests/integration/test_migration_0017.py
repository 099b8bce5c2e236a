"""Migration 0017 drops the unused user.session_version without rebuilding
"user" (a rebuild with foreign keys on would cascade-delete what hangs on it),
and 0016 is reachable again by downgrading."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from shop.extensions import db
from tests.integration.migration_support import MIGRATIONS, empty_database_app, filled_row


def _user_columns() -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns("user")}


def _count(conn, table: str) -> int:
    return conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar()


@pytest.mark.no_db_transaction
def test_0017_drops_session_version_and_keeps_every_row(tmp_path_factory):
    app = empty_database_app(tmp_path_factory, "mig17")
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0016")
        metadata = sa.MetaData()
        user, group, membership = (
            sa.Table(name, metadata, autoload_with=db.engine)
            for name in ("user", "group", "membership")
        )
        with db.engine.begin() as conn:
            user_id = conn.execute(
                user.insert().values(filled_row(user, name="Bu Sri", phone="+6281211112222"))
            ).inserted_primary_key[0]
            group_id = conn.execute(
                group.insert().values(
                    filled_row(
                        group,
                        slug="k",
                        name="Kelompok",
                        programme="uppka",
                        status="active",
                        province_code="15",
                        regency_code="15.05",
                    )
                )
            ).inserted_primary_key[0]
            conn.execute(
                membership.insert().values(
                    filled_row(membership, user_id=user_id, group_id=group_id, role="ketua")
                )
            )

        upgrade(directory=MIGRATIONS)
        assert "session_version" not in _user_columns()
        with db.engine.connect() as conn:
            assert (_count(conn, "user"), _count(conn, "membership")) == (1, 1)

        downgrade(directory=MIGRATIONS, revision="0016")
        assert "session_version" in _user_columns()
        with db.engine.connect() as conn:
            assert conn.execute(sa.text('SELECT session_version FROM "user"')).scalar() == 1
        db.engine.dispose()
