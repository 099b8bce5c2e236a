"""`monitoring_cell`: the groups' month rows summed per month, programme and
province (`shop.monitoring.models`), for the pages that need no finer key.

A cell is recounted from its groups' `monitoring_month` rows, with each
group's programme and province as they are now, whenever those rows are
written (`shop.monitoring.rollups`) and whenever a group moves to another
programme or province or is deleted (`recount_moved_groups`, an after_flush
listener: in the flush's own transaction). The recount reads the rows and
merges them in Python (the sorted values are merged, not summed).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import chain

from sqlalchemy import String, delete, event, insert, inspect, select, tuple_, type_coerce
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from shop.groups.models import Group
from shop.monitoring.models import (
    BUCKET_COLUMNS,
    FIGURE_COLUMNS,
    built_months,
    cell_figures,
    month_figures,
)
from shop.monitoring.packed import pack, unpack

# The programme as stored ("uppka"), the key of a cell.
STORED_PROGRAMME = type_coerce(Group.programme, String())

Key = tuple[str, str]


def lock(connection: Connection) -> None:
    """Writers of the rollups take turns (PostgreSQL): a recount reads the
    rows committed before it, so two at once could each miss the other's."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7431001)")


def keys_of(connection: Connection, group_ids: Iterable[int]) -> set[Key]:
    ids = sorted(set(group_ids))
    if not ids:
        return set()
    stmt = select(STORED_PROGRAMME, Group.province_code).where(Group.id.in_(ids)).distinct()
    return {tuple(row) for row in connection.execute(stmt)}


def _blank(month: date, key: Key) -> dict:
    row = {"month": month, "programme": key[0], "province_code": key[1]}
    row.update(dict.fromkeys((*FIGURE_COLUMNS, *BUCKET_COLUMNS), 0))
    row["parts"] = []
    return row


def counted_cells(connection: Connection, month: date, keys: set[Key] | None = None) -> dict:
    """The cells of `month` (only those of `keys` when given) summed from
    the groups' rows: {key: row as the table keeps it}."""
    m = month_figures.c
    stmt = (
        select(STORED_PROGRAMME, Group.province_code, *(m[n] for n in FIGURE_COLUMNS))
        .add_columns(m.confirm_seconds, *(m[n] for n in BUCKET_COLUMNS))
        .join(Group, Group.id == m.group_id)
        .where(m.month == month)
    )
    if keys is not None:
        stmt = stmt.where(tuple_(STORED_PROGRAMME, Group.province_code).in_(sorted(keys)))
    cells: dict[Key, dict] = {}
    figures = len(FIGURE_COLUMNS)
    for programme, province, *rest in connection.execute(stmt):
        key = (programme, province)
        cell = cells.get(key) or cells.setdefault(key, _blank(month, key))
        for name, value in zip(FIGURE_COLUMNS, rest[:figures], strict=True):
            cell[name] += value
        cell["parts"].append(rest[figures])
        for name, value in zip(BUCKET_COLUMNS, rest[figures + 1 :], strict=True):
            cell[name] += value
    for cell in cells.values():
        parts = cell.pop("parts")
        cell["confirm_seconds"] = pack(chain.from_iterable(unpack(part) for part in parts))
    return cells


def stored_cells(connection: Connection, month: date) -> dict:
    c = cell_figures.c
    rows = connection.execute(select(cell_figures).where(c.month == month))
    return {(row.programme, row.province_code): dict(row._mapping) for row in rows}


def recount(connection: Connection, month: date, keys: set[Key] | None = None) -> None:
    """Write the cells of `month` (of `keys` when given) from the rows."""
    if keys is not None and not keys:
        return
    cells = counted_cells(connection, month, keys)
    c = cell_figures.c
    clear = delete(cell_figures).where(c.month == month)
    if keys is not None:
        clear = clear.where(tuple_(c.programme, c.province_code).in_(sorted(keys)))
    connection.execute(clear)
    if cells:
        connection.execute(insert(cell_figures), list(cells.values()))


def changed_group_keys(session: Session, fields=("programme", "province_code")) -> set[Key]:
    """The keys, before and after, of the groups the flush deletes or
    changes one of `fields` of."""
    keys: set[Key] = set()
    for group in chain(session.dirty, session.deleted):
        if not isinstance(group, Group):
            continue
        state = inspect(group)
        if group not in session.deleted and not any(
            state.attrs[name].history.has_changes() for name in fields
        ):
            continue
        programmes = {group.programme, *state.attrs.programme.history.deleted}
        provinces = {group.province_code, *state.attrs.province_code.history.deleted}
        keys |= {
            (getattr(p, "value", p), code)
            for p in programmes
            for code in provinces
            if p is not None and code is not None
        }
    return keys


def recount_moved_groups(session: Session, _flush_context) -> None:
    """after_flush: a group moved to another programme or province (or
    deleted) takes its rows from one cell to another: recount both, for
    every built month."""
    keys = changed_group_keys(session)
    if not keys:
        return
    connection = session.connection()
    lock(connection)
    for month in connection.execute(select(built_months.c.month)).scalars().all():
        recount(connection, month, keys)


def install() -> None:
    if not event.contains(Session, "after_flush", recount_moved_groups):
        event.listen(Session, "after_flush", recount_moved_groups)
