"""Writes for consignment: outlets, drop-offs, visits, and taking a mistake back.

Each function is one transaction's worth of work and raises DomainError (with
a message for the person) before or instead of changing anything it should
not; the caller commits or rolls back (`commit_or_show`).

Counters move with conditional UPDATEs ("add 3 sold where at least 3 are
still out"), so two members recording a visit to the same warung at the same
moment cannot sell more than was left, and money cannot be received beyond
what is owed. Stock moves through `shop.orders.stock`, the same conditional
updates checkout uses: goods left at an outlet leave the online stock, goods
that come back still good return to it, and made-to-order goods touch no
stock at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from babel.numbers import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, func, select, update

from shop.accounts.models import User
from shop.catalogue.models import Product, ProductStatus, Variant
from shop.consignment.models import (
    DEFAULT_VISIT_EVERY_DAYS,
    Consignment,
    ConsignmentLine,
    Outlet,
    Visit,
    VisitLine,
)
from shop.core.cache import mark_public_change
from shop.core.clock import jakarta_today
from shop.core.codes import new_number
from shop.core.text import clean_line, clean_multiline
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import Group
from shop.i18n.formatting import rupiah
from shop.orders import stock

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


def _rowcount(statement) -> int:
    return cast(CursorResult[Any], db.session.execute(statement)).rowcount


class StaleForm(Exception):
    """The outlet's notes or visits changed after the form was shown: most
    often the same form sent twice (a double tap on a slow connection). Not a
    DomainError: there is nothing to correct on the form, the page to show is
    the outlet's, where the earlier save can be seen."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _lock_outlet(outlet: Outlet) -> None:
    """Every write to one outlet's notes and visits starts here: a second
    writer waits until the first commits, then reads what it wrote (a row lock
    on PostgreSQL, the write lock on SQLite)."""
    _rowcount(
        update(Outlet)
        .where(Outlet.id == outlet.id)
        .values(group_id=Outlet.group_id)
        .execution_options(synchronize_session=False)
    )


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
    _lock_outlet(outlet)
    db.session.refresh(outlet, ["sold_value", "received"])
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
    outlet.archived_at = None


def _lock_open(outlet: Outlet) -> None:
    """Lock the outlet and refuse if it is archived, read again under the
    lock: another member may have archived it since this request loaded it."""
    _lock_outlet(outlet)
    db.session.refresh(outlet, ["archived_at"])
    if outlet.archived_at is not None:
        raise DomainError(_l("This outlet is archived. Restore it first."))


def _require_open(outlet: Outlet, group: Group) -> None:
    if outlet.group_id != group.id:
        raise DomainError(_l("That outlet is not one of this group's."))
    _lock_open(outlet)


def _check_day(day: date, today: date, field: str) -> None:
    if day > today:
        raise DomainError(_l("The date cannot be in the future."), field=field)
    if day < today - timedelta(days=MAX_DAYS_BACK):
        raise DomainError(_l("The date cannot be more than two years ago."), field=field)


def _seen(outlet: Outlet, day: date) -> None:
    if outlet.last_seen_on is None or day > outlet.last_seen_on:
        outlet.last_seen_on = day


def _recompute_seen(outlet: Outlet) -> None:
    last_left = select(func.max(Consignment.left_on)).where(Consignment.outlet_id == outlet.id)
    last_visit = select(func.max(Visit.visited_on)).where(Visit.outlet_id == outlet.id)
    days = [d for d in (db.session.scalar(last_left), db.session.scalar(last_visit)) if d]
    outlet.last_seen_on = max(days) if days else None


# Drop-offs


@dataclass(frozen=True)
class Item:
    variant_id: int
    quantity: int
    unit_price: int


def new_consignment_number() -> str:
    """Like TJ-7K3M9Q, written on the paper nota."""
    return new_number("TJ-", Consignment.number)


def _merge(items: Sequence[Item]) -> dict[int, Item]:
    def quantity_refused():
        return DomainError(
            _l("Give a quantity from 1 to %(max)s.", max=MAX_QUANTITY_SHOWN), field="items"
        )

    merged: dict[int, Item] = {}
    for item in items:
        if item.quantity < 1 or item.quantity > MAX_QUANTITY:
            raise quantity_refused()
        if item.unit_price < 0 or item.unit_price > MAX_UNIT_PRICE:
            raise DomainError(_l("Give the agreed price per unit in rupiah."), field="items")
        known = merged.get(item.variant_id)
        if known is not None:
            if known.unit_price != item.unit_price:
                raise DomainError(
                    _l("The same product is listed twice with different prices."), field="items"
                )
            item = Item(item.variant_id, known.quantity + item.quantity, item.unit_price)
            if item.quantity > MAX_QUANTITY:
                raise quantity_refused()
        merged[item.variant_id] = item
    if not merged:
        raise DomainError(_l("Add at least one product and how many you leave."), field="items")
    if len(merged) > MAX_LINES:
        raise DomainError(
            _l("A note holds at most %(max)s products.", max=MAX_LINES), field="items"
        )
    return merged


def leave_goods(
    group: Group,
    outlet: Outlet,
    left_on: date,
    items: Sequence[Item],
    note: str = "",
    by: User | None = None,
    today: date | None = None,
    shown_after: int | None = None,
) -> Consignment:
    """Record goods left at `outlet`: tracked stock goes down by what was left
    (refused, nothing changed, if there is not that much), made-to-order goods
    are recorded without touching stock.

    `shown_after` is latest_consignment_id() when the form was shown: if a
    note has been saved at the outlet since, StaleForm is raised and nothing
    is saved, so the same form sent twice leaves the goods once."""
    _require_open(outlet, group)
    _check_day(left_on, today or jakarta_today(), "left_on")
    merged = _merge(items)
    if shown_after is not None and latest_consignment_id(outlet) != shown_after:
        raise StaleForm(
            _l(
                "A note for this outlet was saved after you opened the form, perhaps this "
                "same one sent twice. Check the notes below before leaving goods again."
            )
        )
    rows = db.session.execute(
        select(Variant, Product)
        .join(Product, Product.id == Variant.product_id)
        .where(
            Variant.id.in_(merged),
            Product.group_id == group.id,
            Product.status != ProductStatus.ARCHIVED,
        )
        .order_by(Variant.id)
    ).all()
    if len(rows) != len(merged):
        raise DomainError(
            _l("One of the products is not (or no longer) yours to leave."), field="items"
        )

    consignment = Consignment(
        number=new_consignment_number(),
        group_id=group.id,
        outlet_id=outlet.id,
        left_on=left_on,
        note=clean_multiline(note, NOTE_LENGTH),
        created_by_id=by.id if by else None,
    )
    touched: set[int] = set()
    # Ascending variant id, like checkout: two writers never lock in opposite order.
    for variant, product in rows:
        item = merged[variant.id]
        tracked = variant.stock is not None
        if tracked:
            left = variant.stock
            if not stock.take(variant.id, item.quantity):
                raise DomainError(
                    _l(
                        "Only %(count)s of %(name)s (%(variant)s) are in stock.",
                        count=left,
                        name=product.name,
                        variant=variant.label,
                    ),
                    field="items",
                )
            touched.add(product.id)
        consignment.lines.append(
            ConsignmentLine(
                product_id=product.id,
                variant_id=variant.id,
                product_name=product.name,
                variant_label=variant.label,
                unit_price=item.unit_price,
                quantity=item.quantity,
                from_stock=tracked,
                expires_on=(
                    left_on + timedelta(days=product.shelf_life_days)
                    if product.shelf_life_days
                    else None
                ),
            )
        )
    db.session.add(consignment)
    _seen(outlet, left_on)
    db.session.flush()
    if touched:
        stock.refresh_in_stock(touched)
        mark_public_change()
    return consignment


def cancel_consignment(consignment: Consignment) -> None:
    """Take back a note entered by mistake: only while nothing on it has been
    counted at a visit. Its tracked goods go back into stock."""
    _lock_open(consignment.outlet)
    # Read again under the lock, not from the loaded lines: a visit counted
    # (or another request cancelled) the note since it was loaded.
    counted = db.session.execute(
        select(
            func.count(ConsignmentLine.id),
            func.coalesce(
                func.sum(
                    ConsignmentLine.sold + ConsignmentLine.restocked + ConsignmentLine.written_off
                ),
                0,
            ),
        ).where(ConsignmentLine.consignment_id == consignment.id)
    ).one()
    if counted[0] == 0:
        raise DomainError(_l("This note is already cancelled."))
    if counted[1]:
        raise DomainError(
            _l("Sales or returns are already recorded on this note; it can no longer be cancelled.")
        )
    touched = set()
    for line in sorted(consignment.lines, key=lambda line: line.variant_id or 0):
        if line.from_stock and line.variant_id is not None:
            stock.give_back(line.variant_id, line.quantity)
            touched.add(line.product_id)
    outlet = consignment.outlet
    db.session.delete(consignment)
    db.session.flush()
    _recompute_seen(outlet)
    if touched:
        stock.refresh_in_stock({pid for pid in touched if pid is not None})
        mark_public_change()


# Visits


@dataclass(frozen=True)
class Count:
    """What happened to one consignment line since the last visit."""

    line_id: int
    sold: int = 0
    restocked: int = 0
    written_off: int = 0

    @property
    def total(self) -> int:
        return self.sold + self.restocked + self.written_off


def record_visit(
    group: Group,
    outlet: Outlet,
    visited_on: date,
    counts: Sequence[Count],
    money_received: int = 0,
    note: str = "",
    by: User | None = None,
    today: date | None = None,
    shown_after: int | None = None,
) -> Visit:
    """Record a visit: per line what sold, what came back still good (into
    stock) and what came back expired or damaged (written off), and the money
    the outlet paid. A visit where nothing sold is recorded too: the group was
    there, and the next visit is due from that day.

    `shown_after` is latest_visit_id() when the form was shown: if a visit
    has been recorded since, StaleForm is raised and nothing is saved, so the
    same visit sent twice counts once (its numbers are what happened since the
    previous visit, and would be counted twice)."""
    _require_open(outlet, group)
    _check_day(visited_on, today or jakarta_today(), "visited_on")
    if money_received < 0 or money_received > MAX_MONEY:
        raise DomainError(_l("Give the money received in rupiah."), field="money_received")
    for count in counts:
        if min(count.sold, count.restocked, count.written_off) < 0:
            raise DomainError(_l("Numbers cannot be negative."), field="counts")
    if shown_after is not None and latest_visit_id(outlet) != shown_after:
        raise StaleForm(
            _l(
                "A visit to this outlet was recorded after you opened the form, perhaps this "
                "same one sent twice. Check the visits below before recording again."
            )
        )
    wanted = {count.line_id: count for count in counts if count.total}
    lines = {
        line.id: line
        for line in db.session.scalars(
            select(ConsignmentLine)
            .join(Consignment, Consignment.id == ConsignmentLine.consignment_id)
            .where(ConsignmentLine.id.in_(wanted), Consignment.outlet_id == outlet.id)
            .order_by(ConsignmentLine.id)
        )
    }
    if len(lines) != len(wanted):
        raise DomainError(_l("One of the lines is not at this outlet."), field="counts")

    visit = Visit(
        group_id=group.id,
        outlet_id=outlet.id,
        visited_on=visited_on,
        money_received=money_received,
        note=clean_multiline(note, NOTE_LENGTH),
        created_by_id=by.id if by else None,
    )
    sold_value = 0
    touched: set[int] = set()
    for line_id, line in lines.items():
        count = wanted[line_id]
        if visited_on < line.consignment.left_on:
            raise DomainError(
                _l(
                    "The visit cannot be before the goods were left (note %(number)s).",
                    number=line.consignment.number,
                ),
                field="visited_on",
            )
        moved = _rowcount(
            update(ConsignmentLine)
            .where(ConsignmentLine.id == line_id, ConsignmentLine.out >= count.total)
            .values(
                sold=ConsignmentLine.sold + count.sold,
                restocked=ConsignmentLine.restocked + count.restocked,
                written_off=ConsignmentLine.written_off + count.written_off,
            )
            .execution_options(synchronize_session=False)
        )
        if moved != 1:
            db.session.refresh(line)
            raise DomainError(
                _l(
                    "Only %(count)s of %(name)s (%(variant)s) are still at the outlet.",
                    count=line.out,
                    name=line.product_name,
                    variant=line.variant_label,
                ),
                field="counts",
            )
        if count.restocked and line.from_stock and line.variant_id is not None:
            stock.give_back(line.variant_id, count.restocked)
            if line.product_id is not None:
                touched.add(line.product_id)
        sold_value += count.sold * line.unit_price
        visit.lines.append(
            VisitLine(
                line_id=line_id,
                sold=count.sold,
                restocked=count.restocked,
                written_off=count.written_off,
            )
        )

    moved = _rowcount(
        update(Outlet)
        .where(
            Outlet.id == outlet.id,
            Outlet.sold_value + sold_value - Outlet.received >= money_received,
        )
        .values(
            sold_value=Outlet.sold_value + sold_value,
            received=Outlet.received + money_received,
        )
        .execution_options(synchronize_session=False)
    )
    if moved != 1:
        db.session.refresh(outlet)
        raise DomainError(
            _l(
                "The outlet owes %(owed)s with this visit's sales; "
                "the money received cannot be more.",
                owed=rupiah(outlet.owed + sold_value),
            ),
            field="money_received",
        )
    db.session.add(visit)
    db.session.flush()
    # The counters were written by UPDATE: what is loaded must see them.
    for line in lines.values():
        db.session.expire(line, ["sold", "restocked", "written_off"])
    db.session.expire(outlet, ["sold_value", "received"])
    _seen(outlet, visited_on)
    if touched:
        stock.refresh_in_stock(touched)
        mark_public_change()
    return visit


def _tracked(variant_ids: set[int | None]) -> set[int]:
    """Those of `variant_ids` that still keep stock (not made to order now,
    not deleted)."""
    ids = {variant_id for variant_id in variant_ids if variant_id is not None}
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Variant.id).where(Variant.id.in_(ids), Variant.stock.is_not(None))
        )
    )


def latest_visit(outlet: Outlet) -> Visit | None:
    return db.session.scalar(
        select(Visit).where(Visit.outlet_id == outlet.id).order_by(Visit.id.desc()).limit(1)
    )


def undo_visit(visit: Visit) -> None:
    """Take back the outlet's latest visit, entered by mistake: its sales,
    returns and money are reversed and goods it put back into stock leave it
    again (refused if they have since been sold online)."""
    outlet = visit.outlet
    # Under the lock, a second "take back" of the same visit sent at once
    # finds it gone instead of reversing it twice.
    _lock_open(outlet)
    latest = latest_visit(outlet)
    if latest is None or latest.id != visit.id:
        raise DomainError(_l("Only the latest visit to an outlet can be taken back."))
    touched: set[int] = set()
    sold_value = 0
    # Goods it put back into stock leave it again; not when the variant has
    # since gone (made to order now, or deleted): there is no stock to take.
    tracked = _tracked(
        {
            entry.line.variant_id
            for entry in visit.lines
            if entry.restocked and entry.line.from_stock
        }
    )
    for entry in sorted(visit.lines, key=lambda entry: entry.line.variant_id or 0):
        line = entry.line
        if entry.restocked and line.from_stock and line.variant_id in tracked:
            if not stock.take(line.variant_id, entry.restocked):
                raise DomainError(
                    _l(
                        "The %(count)s returned %(name)s (%(variant)s) have been sold "
                        "online since; the visit cannot be taken back.",
                        count=entry.restocked,
                        name=line.product_name,
                        variant=line.variant_label,
                    )
                )
            if line.product_id is not None:
                touched.add(line.product_id)
        _rowcount(
            update(ConsignmentLine)
            .where(ConsignmentLine.id == line.id)
            .values(
                sold=ConsignmentLine.sold - entry.sold,
                restocked=ConsignmentLine.restocked - entry.restocked,
                written_off=ConsignmentLine.written_off - entry.written_off,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.expire(line, ["sold", "restocked", "written_off"])
        sold_value += entry.sold * line.unit_price
    _rowcount(
        update(Outlet)
        .where(Outlet.id == outlet.id)
        .values(
            sold_value=Outlet.sold_value - sold_value,
            received=Outlet.received - visit.money_received,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(outlet, ["sold_value", "received"])
    db.session.delete(visit)
    db.session.flush()
    _recompute_seen(outlet)
    if touched:
        stock.refresh_in_stock(touched)
        mark_public_change()
