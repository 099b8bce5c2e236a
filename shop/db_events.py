"""Connection settings applied to every SQLite connection."""

from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True

    @event.listens_for(Engine, "connect")
    def _sqlite_pragmas(dbapi_connection, connection_record):
        module = type(dbapi_connection).__module__
        if not module.startswith("sqlite3"):
            return
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions
        # begin, so SAVEPOINTs work (SQLAlchemy's documented SQLite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # Foreign keys are off by default in SQLite; WAL lets readers run
        # while one writer commits; NORMAL sync is safe with WAL.
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(Engine, "begin")
    def _sqlite_begin(connection):
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN")
