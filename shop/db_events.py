"""Connection settings applied to every SQLite connection."""

from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False


def _read_only_request() -> bool:
    """GET pages read; everything else (forms, CLI jobs) may write.

    A SQLite transaction that starts reading and later writes fails at once
    with "database is locked" when another writer committed in between (the
    busy timeout cannot help it). Writers therefore take the write lock when
    they begin (BEGIN IMMEDIATE) and queue for it, up to the busy timeout.
    """
    from flask import g, has_app_context, has_request_context, request

    if has_app_context() and g.get("sqlite_reads"):
        return True
    return (
        has_request_context()
        and request.method in ("GET", "HEAD", "OPTIONS")
        and not g.get("sqlite_writes")
    )


@contextmanager
def reading():
    """A transaction begun inside only reads: on SQLite it begins without the
    write lock, whatever request or job it is in. For the reading phase of a
    job (what a PDF or a share image shows), which ends it (commit) before the
    slow work; a write after that begins a transaction of its own."""
    from flask import g

    before = g.get("sqlite_reads", False)
    g.sqlite_reads = True
    try:
        yield
    finally:
        g.sqlite_reads = before


def writes_next() -> None:
    """A GET request that is about to write (a download's audit entry):
    from its next transaction on it begins with the write lock, like a POST.
    End the reading transaction (commit) before calling this."""
    from flask import g

    g.sqlite_writes = True


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
            deferred = connection.get_execution_options().get("sqlite_deferred_begin")
            immediate = not (deferred or _read_only_request())
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
