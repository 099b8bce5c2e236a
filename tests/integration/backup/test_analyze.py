"""`flask db analyze`: the planner's statistics after a bulk load."""

import time

from sqlalchemy import text

from shop.extensions import db


def _forget_and_mark(app):
    """Drop SQLite's statistics; on PostgreSQL, the time before the command."""
    with app.app_context(), db.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(text("DELETE FROM sqlite_stat1"))
            return None
        return connection.execute(text("SELECT clock_timestamp()")).scalar()


def _analysed(app, since) -> bool:
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            query, params = "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'regency'", {}
        else:
            query = (
                "SELECT count(*) FROM pg_stat_user_tables "
                "WHERE relname = 'regency' AND last_analyze >= :since"
            )
            params = {"since": since}
        return connection.execute(text(query), params).scalar() > 0


def test_db_analyze_refreshes_the_statistics(app):
    since = _forget_and_mark(app)
    assert not _analysed(app, since)
    result = app.test_cli_runner().invoke(args=["db", "analyze"])
    assert result.exit_code == 0, result.output
    assert "Planner statistics refreshed." in result.output
    for _ in range(20):  # PostgreSQL's statistics views follow within moments
        if _analysed(app, since):
            break
        time.sleep(0.1)
    assert _analysed(app, since)
