"""Every table of the metadata read and written alike on every engine, in foreign-key order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO

from alembic.migration import MigrationContext
from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    Table,
    and_,
    column,
    delete,
    func,
    insert,
    inspect,
    select,
    table,
    text,
    update,
)
from sqlalchemy.schema import sort_tables_and_constraints
from sqlalchemy.sql.expression import TableClause

from shop.backup.archive import BackupError, parse_line, row_line

ALEMBIC_TABLE = "alembic_version"
# Tables the migrations themselves fill (0002 loads Indonesia's regions): a
# freshly migrated database has rows there and still counts as empty.
MIGRATION_DATA = frozenset({"province", "regency", "district"})
BATCH = 1000


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction that sees one state of the whole database.

    PostgreSQL: REPEATABLE READ, one snapshot from the first statement to the
    end, while the site keeps writing. SQLite (WAL): a deferred BEGIN reads one
    snapshot and takes no write lock, so writers are not held up either.
    """
    if engine.dialect.name == "postgresql":
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    else:
        options = {"sqlite_deferred_begin": True}
    with engine.connect() as connection:
        connection = connection.execution_options(**options)
        with connection.begin():
            yield connection


def ordered_tables(metadata: MetaData) -> tuple[list[Table], dict[str, set[str]]]:
    """The tables parents first, and per table the foreign-key columns to fill in
    only after every row is in: a reference to the same table (a parent row may
    come after its child in key order) or one closing a cycle of tables. Only
    nullable columns can wait; others are inserted as they are."""
    pairs = sort_tables_and_constraints(list(metadata.tables.values()))
    tables = [tbl for tbl, _ in pairs if tbl is not None]
    cyclic = {fkc for tbl, fkcs in pairs if tbl is None for fkc in fkcs}
    deferred: dict[str, set[str]] = {}
    for tbl in tables:
        for fkc in tbl.foreign_key_constraints:
            waits = fkc.referred_table is tbl or fkc in cyclic
            if waits and all(col.nullable for col in fkc.columns):
                deferred.setdefault(tbl.name, set()).update(col.name for col in fkc.columns)
    return tables, deferred


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def live_table(connection: Connection, tbl: Table | None, name: str) -> TableClause:
    """The table as the database has it now, with the model's column types where
    the model knows the column (they turn stored values into timezone-aware
    datetimes, enums, booleans) and the reflected type elsewhere, so a column the
    models do not know yet is kept too."""
    columns = []
    for reflected in inspect(connection).get_columns(name):
        known = tbl is not None and reflected["name"] in tbl.c
        kind = tbl.c[reflected["name"]].type if known else reflected["type"]
        columns.append(column(reflected["name"], kind))
    return table(name, *columns)


def dump_table(
    connection: Connection, tbl: Table | None, name: str, out: IO[bytes]
) -> tuple[list[str], int]:
    """Write every row as a JSON line, in primary-key order, streamed in batches.
    Returns (column names, row count)."""
    clause = live_table(connection, tbl, name)
    primary = [c.name for c in tbl.primary_key.columns] if tbl is not None else []
    order = [clause.c[c] for c in primary if c in clause.c] or list(clause.c)
    statement = select(*clause.c).order_by(*order).execution_options(yield_per=BATCH)
    count = 0
    for rows in connection.execute(statement).partitions():
        for row in rows:
            out.write(row_line(row))
        count += len(rows)
    return [c.name for c in clause.c], count


def count_rows(connection: Connection, name: str) -> int:
    return connection.scalar(select(func.count()).select_from(table(name))) or 0


def rows_in_the_way(connection: Connection, tables: Iterable[Table]) -> dict[str, int]:
    """Tables holding rows a restore would collide with (not the migrations' own)."""
    present = table_names(connection)
    counts = {}
    for tbl in tables:
        if tbl.name in present and tbl.name not in MIGRATION_DATA:
            if rows := count_rows(connection, tbl.name):
                counts[tbl.name] = rows
    return counts


class Loader:
    """Inserts an archive's rows into an empty schema inside the caller's transaction."""

    def __init__(self, connection: Connection, metadata: MetaData):
        self.connection = connection
        self.tables, self.deferred = ordered_tables(metadata)
        self.by_name = {tbl.name: tbl for tbl in self.tables}
        self.present = table_names(connection)
        # (table, primary key values, deferred column values) to set at the end.
        self.later: list[tuple[TableClause, dict, dict]] = []

    def clear(self) -> None:
        """Empty every table, children first: what the migrations wrote makes way
        for the archive's copy of it."""
        for tbl in reversed(self.tables):
            if tbl.name in self.present:
                self.connection.execute(delete(table(tbl.name)))

    def load(self, name: str, columns: list[str], lines: Iterable[bytes]) -> int:
        if name not in self.present:
            raise BackupError(f"The database has no table {name!r}, which the archive holds.")
        tbl = self.by_name.get(name)
        live = live_table(self.connection, tbl, name)
        missing = [c for c in columns if c not in live.c]
        if missing:
            raise BackupError(f"Table {name!r} has no column {', '.join(missing)} here.")
        clause = table(name, *(column(c, live.c[c].type) for c in columns))
        waiting = self.deferred.get(name, set()) & set(columns)
        primary = [c.name for c in tbl.primary_key.columns] if tbl is not None else []
        count, batch = 0, []
        for line in lines:
            row = dict(zip(columns, parse_line(line), strict=True))
            later = {c: row[c] for c in waiting if row[c] is not None}
            if later:
                self.later.append((clause, {c: row[c] for c in primary}, later))
                row.update(dict.fromkeys(later))
            batch.append(row)
            if len(batch) >= BATCH:
                count += self._insert(clause, batch)
                batch = []
        return count + self._insert(clause, batch)

    def _insert(self, clause: TableClause, rows: list[dict]) -> int:
        if rows:
            self.connection.execute(insert(clause), rows)
        return len(rows)

    def finish(self) -> None:
        """Fill in the references that had to wait, then let PostgreSQL's
        sequences continue after the restored ids."""
        for clause, key, values in self.later:
            where = and_(*(clause.c[c] == value for c, value in key.items()))
            self.connection.execute(update(clause).where(where).values(values))
        if self.connection.dialect.name == "postgresql":
            self._reset_sequences()
        analyze(self.connection)

    def _reset_sequences(self) -> None:
        reset_sequences(self.connection, [t for t in self.tables if t.name in self.present])


def reset_sequences(connection, tables) -> None:
    """Let PostgreSQL's sequences continue after the highest id of each table
    (rows were written with their ids: a restore, the benchmark's generator)."""
    quote = connection.dialect.identifier_preparer.quote
    for tbl in tables:
        for col in tbl.primary_key.columns:
            sequence = connection.scalar(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": quote(tbl.name), "column": col.name},
            )
            if sequence:
                connection.execute(
                    text(
                        f"SELECT setval(:sequence, coalesce((SELECT max({quote(col.name)}) "
                        f"FROM {quote(tbl.name)}), 0) + 1, false)"
                    ),
                    {"sequence": sequence},
                )


def analyze(connection) -> None:
    """Refresh the query planner's statistics of every table (after a bulk
    load: a restore, the benchmark's generators, `flask db analyze`). Without
    them SQLite guesses and PostgreSQL may walk the wrong index."""
    connection.exec_driver_sql("ANALYZE")


def continue_sequences(db) -> None:
    """On PostgreSQL, every id sequence continues after the ids rows were
    written with (the benchmark's generators), so the app's own inserts get
    fresh ids; nothing to do on SQLite."""
    if db.engine.dialect.name != "postgresql":
        return
    reset_sequences(db.session.connection(), db.metadata.sorted_tables)
    db.session.commit()
