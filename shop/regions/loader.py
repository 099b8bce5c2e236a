"""Upsert of the vendored region CSVs: codes stay stable across data updates.

New codes are inserted and changed names (or parents) updated. A code that
left the files is deleted only when nothing references it; a code still in
use (a group's district, say) is kept and counted, so no row ever loses its
region. Running the loader twice changes nothing the second time.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, insert, select, update

from shop.extensions import db
from shop.regions.models import District, Province, Regency
from shop.regions.queries import clear_region_cache

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "regions"

Model = type[Province] | type[Regency] | type[District]


class RegionDataError(ValueError):
    """A CSV that cannot be loaded as it is; nothing has been written."""


@dataclass(frozen=True)
class Level:
    model: Model
    filename: str
    parent: str | None

    @property
    def columns(self) -> tuple[str, ...]:
        return ("code", self.parent, "name") if self.parent else ("code", "name")


LEVELS = (
    Level(Province, "provinces.csv", None),
    Level(Regency, "regencies.csv", "province_code"),
    Level(District, "districts.csv", "regency_code"),
)


@dataclass
class LevelCounts:
    in_file: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    kept_in_use: int = 0

    def describe(self) -> str:
        return (
            f"{self.in_file} in file, {self.added} added, {self.updated} updated, "
            f"{self.removed} removed, {self.kept_in_use} kept (no longer listed but in use)"
        )


def load_regions(source: Path = DATA_DIR) -> dict[str, LevelCounts]:
    """Bring the region tables in line with the CSVs in `source`; flushes, never commits.

    Returns the counts per table ("province", "regency", "district").
    """
    rows = _read_all(source)
    counts: dict[str, LevelCounts] = {}
    stale: dict[str, set[str]] = {}
    for level in LEVELS:
        name = level.model.__tablename__
        counts[name], stale[name] = _upsert(level, rows[name])
    # Children first, so a parent whose last children went is free to go too.
    for level in reversed(LEVELS):
        name = level.model.__tablename__
        counts[name].removed, counts[name].kept_in_use = _remove(level.model, stale[name])
    db.session.flush()
    clear_region_cache()
    return counts


def _read_all(source: Path) -> dict[str, list[dict[str, str]]]:
    rows: dict[str, list[dict[str, str]]] = {}
    known_parents: set[str] = set()
    for level in LEVELS:
        level_rows = _read(source / level.filename, level.columns)
        if level.parent:
            orphans = [r["code"] for r in level_rows if r[level.parent] not in known_parents]
            if orphans:
                raise RegionDataError(
                    f"{level.filename}: {len(orphans)} rows name a {level.parent} that is not "
                    f"in the file above it (first: {orphans[0]})"
                )
        rows[level.model.__tablename__] = level_rows
        known_parents = {r["code"] for r in level_rows}
    return rows


def _read(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = set(columns) - set(reader.fieldnames or ())
            if missing:
                raise RegionDataError(f"{path.name}: missing columns {', '.join(sorted(missing))}")
            rows = [{c: (row[c] or "").strip() for c in columns} for row in reader]
    except OSError as error:
        raise RegionDataError(f"{path}: {error.strerror}") from error
    rows = [row for row in rows if row["code"]]
    codes = [row["code"] for row in rows]
    if len(set(codes)) != len(codes):
        raise RegionDataError(f"{path.name}: a code appears more than once")
    if any(not row["name"] for row in rows):
        raise RegionDataError(f"{path.name}: a row has no name")
    return rows


def _upsert(level: Level, rows: list[dict[str, str]]) -> tuple[LevelCounts, set[str]]:
    model = level.model
    columns = [getattr(model, c) for c in level.columns]
    existing = {row[0]: tuple(row) for row in db.session.execute(select(*columns))}
    new = [row for row in rows if row["code"] not in existing]
    changed = [
        row
        for row in rows
        if row["code"] in existing and existing[row["code"]] != tuple(row.values())
    ]
    if new:
        db.session.execute(insert(model), new)
    if changed:
        db.session.execute(update(model), changed)
    stale = set(existing) - {row["code"] for row in rows}
    return LevelCounts(in_file=len(rows), added=len(new), updated=len(changed)), stale


def _remove(model: Model, stale: set[str]) -> tuple[int, int]:
    if not stale:
        return 0, 0
    in_use = _codes_in_use(model, stale)
    removable = stale - in_use
    if removable:
        db.session.execute(delete(model).where(model.code.in_(removable)))
    return len(removable), len(in_use)


def _codes_in_use(model: Model, codes: set[str]) -> set[str]:
    """Codes some row refers to, found through every foreign key to the table,
    so groups, addresses and outlets added later are covered without a list."""
    target = model.__table__.c.code
    used: set[str] = set()
    for table in db.metadata.tables.values():
        for foreign_key in table.foreign_keys:
            if foreign_key.column is target:
                column = foreign_key.parent
                used.update(db.session.scalars(select(column).where(column.in_(codes)).distinct()))
    return used
