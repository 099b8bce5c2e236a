"""Consignment writes for outlets, and what every write at an outlet shares.

Every write to one outlet's notes and visits starts by locking the outlet
(`lock_outlet`), so a second writer waits until the first commits and then
reads what it wrote. Counters move with conditional UPDATEs (`rowcount`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from babel.numbers import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, func, select, update

from shop.consignment.models import (
    DEFAULT_VISIT_EVERY_DAYS,
    Consignment,
    ConsignmentLine,
    Outlet,
    Visit,
)
from shop.consignment.workflow import OUTLET_FLOW
from shop.core.text import clean_line, clean_multiline
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import Group
from shop.i18n.formatting import rupiah

MAX_QUANTITY = 10_000
# Written the Indonesian way in every language, as the forms have always shown it.
MAX_QUANTITY_SHOWN = format_decimal(MAX_QUANTITY, locale="id")
MAX_UNIT_PRICE = 100_000_000
MAX_MONEY = MAX_UNIT_PRICE * 10
MAX_LINES = 40
# How far back a drop-off or visit may be entered (a group starting to use
# the ledger writes down what is already out there).
MAX_DAYS_BACK = 2 * 366
NOTE_LENGTH = 1000


def rowcount(statement) -> int:
    return cast(CursorResult[Any], db.session.execute(statement)).rowcount


class StaleForm(Exception):
    """The outlet's notes or visits changed after the form was shown: most
    often the same form sent twice (a double tap on a slow connection). Not a
    DomainError: there is nothing to correct on the form, the page to show is
    the outlet's, where the earlier save can be seen."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def lock_outlet(outlet: Outlet) -> None:
    """Every write to one outlet's notes and visits starts here: a second
    writer waits until the first commits, then reads what it wrote (a row lock
    on PostgreSQL, the write lock on SQLite)."""
    rowcount(
        update(Outlet)
        .where(Outlet.id == outlet.id)
        .values(group_id=Outlet.group_id)
        .execution_options(synchronize_session=False)
    )


def lock_and_check(outlet: Outlet, move: str) -> None:
    """Lock the outlet and check `move` in its state table, read again under
    the lock: another member may have archived it since this request loaded it."""
    lock_outlet(outlet)
    db.session.refresh(outlet, ["archived_at"])
    OUTLET_FLOW.check(outlet, move)


def require_open(outlet: Outlet, group: Group, move: str) -> None:
    if outlet.group_id != group.id:
        raise DomainError(_l("That outlet is not one of this group's."))
    lock_and_check(outlet, move)


def latest_consignment_id(outlet: Outlet) -> int:
    """The newest note at the outlet (0 for none): what a drop-off form was
    shown after, so sending it twice saves it once."""
    return db.session.scalar(
        select(func.coalesce(func.max(Consignment.id), 0)).where(Consignment.outlet_id == outlet.id)
    )


def latest_visit_id(outlet: Outlet) -> int:
    """The newest visit to the outlet (0 for none); see latest_consignment_id."""
    return db.session.scalar(
        select(func.coalesce(func.max(Visit.id), 0)).where(Visit.outlet_id == outlet.id)
    )


def check_day(day: date, today: date, field: str) -> None:
    if day > today:
        raise DomainError(_l("The date cannot be in the future."), field=field)
    if day < today - timedelta(days=MAX_DAYS_BACK):
        raise DomainError(_l("The date cannot be more than two years ago."), field=field)


def seen(outlet: Outlet, day: date) -> None:
    if outlet.last_seen_on is None or day > outlet.last_seen_on:
        outlet.last_seen_on = day


def recompute_seen(outlet: Outlet) -> None:
    last_left = select(func.max(Consignment.left_on)).where(Consignment.outlet_id == outlet.id)
    last_visit = select(func.max(Visit.visited_on)).where(Visit.outlet_id == outlet.id)
    days = [d for d in (db.session.scalar(last_left), db.session.scalar(last_visit)) if d]
    outlet.last_seen_on = max(days) if days else None


# Outlets


@dataclass(frozen=True)
class OutletData:
    name: str
    province_code: str
    regency_code: str
    district_code: str | None = None
    owner_name: str = ""
    whatsapp: str | None = None
    address: str = ""
    visit_every_days: int = DEFAULT_VISIT_EVERY_DAYS


def _apply_outlet(outlet: Outlet, data: OutletData) -> None:
    name = clean_line(data.name, 120)
    if len(name) < 2:
        raise DomainError(_l("Give the outlet's name."), field="name")
    if not 1 <= data.visit_every_days <= 90:
        raise DomainError(_l("Give a number of days from 1 to 90."), field="visit_every_days")
    outlet.name = name
    outlet.owner_name = clean_line(data.owner_name, 120)
    outlet.whatsapp = data.whatsapp or None
    outlet.province_code = data.province_code
    outlet.regency_code = data.regency_code
    outlet.district_code = data.district_code or None
    outlet.address = clean_multiline(data.address, 500)
    outlet.visit_every_days = data.visit_every_days


def create_outlet(group: Group, data: OutletData) -> Outlet:
    outlet = Outlet(group_id=group.id)
    _apply_outlet(outlet, data)
    db.session.add(outlet)
    db.session.flush()
    return outlet


def update_outlet(outlet: Outlet, data: OutletData) -> Outlet:
    _apply_outlet(outlet, data)
    return outlet


def goods_out(outlet: Outlet) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(ConsignmentLine.out), 0))
            .join(Consignment, Consignment.id == ConsignmentLine.consignment_id)
            .where(Consignment.outlet_id == outlet.id)
        )
        or 0
    )


def archive_outlet(outlet: Outlet) -> None:
    """Take an outlet off the list; only once nothing is out there or owed."""
    lock_outlet(outlet)
    db.session.refresh(outlet, ["sold_value", "received"])
    OUTLET_FLOW.check(outlet, "arsip")
    if goods_out(outlet):
        raise DomainError(
            _l("Goods are still at this outlet. Record what sold and came back first.")
        )
    if outlet.owed:
        raise DomainError(
            _l(
                "This outlet still owes %(amount)s. Record the payment first.",
                amount=rupiah(outlet.owed),
            )
        )
    outlet.archived_at = utcnow()


def restore_outlet(outlet: Outlet) -> None:
    OUTLET_FLOW.check(outlet, "pulihkan")
    outlet.archived_at = None
