"""Region reads for pickers, filters and addresses, cached in-process.

The region tables change only through a migration or `flask regions load`, so
the lists are kept in memory as plain tuples. The loader clears this process's
cache; other workers drop theirs after MAX_AGE_SECONDS, so no worker serves a
renamed region for long without anyone having to restart it.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Select, select

from shop.extensions import db
from shop.regions.models import District, Province, Regency

MAX_AGE_SECONDS = 3600.0


class Region(NamedTuple):
    code: str
    name: str


class RegionChain(NamedTuple):
    """A place from its province down; `district` (and `regency`) may be None."""

    province: Region
    regency: Region | None
    district: Region | None

    @property
    def label(self) -> str:
        """ "Jambi Luar Kota, Kabupaten Muaro Jambi, Jambi": smallest unit first."""
        parts = (self.district, self.regency, self.province)
        return ", ".join(part.name for part in parts if part is not None)


def provinces() -> tuple[Region, ...]:
    """All provinces, by name."""
    _expire_if_old()
    return _provinces()


def regencies_of(province_code: str) -> tuple[Region, ...]:
    """The regencies and cities of a province, by name; () for an unknown code."""
    _expire_if_old()
    return _regencies_of(province_code)


def province_codes() -> frozenset[str]:
    """Every province code: what a province filter may hold."""
    return frozenset(province.code for province in provinces())


def regency_codes() -> frozenset[str]:
    """Every regency and city code: what a regency filter may hold."""
    return frozenset(
        regency.code for province in provinces() for regency in regencies_of(province.code)
    )


def districts_of(regency_code: str) -> tuple[Region, ...]:
    """The districts of a regency or city, by name; () for an unknown code."""
    _expire_if_old()
    return _districts_of(regency_code)


def get_region_chain(code: str) -> RegionChain | None:
    """The chain above a district, regency or province code; None if unknown."""
    _expire_if_old()
    return _region_chain(code)


def clear_region_cache() -> None:
    global _cleared_at
    for cached in (_provinces, _regencies_of, _districts_of, _region_chain):
        cached.cache_clear()
    _cleared_at = time.monotonic()


_cleared_at = time.monotonic()


def _expire_if_old() -> None:
    if time.monotonic() - _cleared_at > MAX_AGE_SECONDS:
        clear_region_cache()


def _by_name(rows) -> tuple[Region, ...]:
    # Sorted in Python: SQLite and PostgreSQL collate "DKI" and "Daerah" differently.
    return tuple(sorted((Region(code, name) for code, name in rows), key=_name_key))


def _name_key(region: Region) -> tuple[str, str]:
    return (region.name.casefold(), region.code)


@lru_cache(maxsize=1)
def _provinces() -> tuple[Region, ...]:
    return _by_name(db.session.execute(select(Province.code, Province.name)))


# The maxsize bounds memory when the JSON endpoint is asked for made-up codes.
@lru_cache(maxsize=128)
def _regencies_of(province_code: str) -> tuple[Region, ...]:
    stmt = select(Regency.code, Regency.name).where(Regency.province_code == province_code)
    return _by_name(db.session.execute(stmt))


@lru_cache(maxsize=1024)
def _districts_of(regency_code: str) -> tuple[Region, ...]:
    stmt = select(District.code, District.name).where(District.regency_code == regency_code)
    return _by_name(db.session.execute(stmt))


@lru_cache(maxsize=4096)
def _region_chain(code: str) -> RegionChain | None:
    row = db.session.execute(_chain_query(code)).first()
    if row is None:
        return None
    regions = [Region(row[i], row[i + 1]) for i in range(0, len(row), 2)]
    regions += [None] * (3 - len(regions))
    return RegionChain(*regions)


def _chain_query(code: str) -> Select:
    """Kemendagri codes nest ("15", "15.05", "15.05.01"): the dots give the level."""
    province = (Province.code, Province.name)
    regency = (Regency.code, Regency.name)
    level = code.count(".")
    if level == 0:
        return select(*province).where(Province.code == code)
    with_regency = Regency.province_code == Province.code
    if level == 1:
        return select(*province, *regency).join(Regency, with_regency).where(Regency.code == code)
    return (
        select(*province, *regency, District.code, District.name)
        .join(Regency, with_regency)
        .join(District, District.regency_code == Regency.code)
        .where(District.code == code)
    )
