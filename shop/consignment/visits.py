"""Consignment writes for visits: what sold, what came back and the money
received at an outlet, and taking back the latest visit entered by mistake.

Counters move with conditional UPDATEs ("add 3 sold where at least 3 are
still out"), so two members recording a visit to the same warung at the same
moment cannot sell more than was left, and money cannot be received beyond
what is owed. Goods that come back still good return to the online stock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from shop.accounts.models import User
from shop.catalogue import stock
from shop.catalogue.models import Variant
from shop.consignment.models import Consignment, ConsignmentLine, Outlet, Visit, VisitLine
from shop.consignment.outlets import (
    MAX_MONEY,
    NOTE_LENGTH,
    StaleForm,
    check_day,
    latest_visit_id,
    lock_outlet,
    recompute_seen,
    require_open,
    rowcount,
    seen,
)
from shop.consignment.workflow import VISIT_FLOW, VisitFacts, latest_visit
from shop.core.cache import mark_public_change
from shop.core.clock import jakarta_today
from shop.core.text import clean_multiline
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import Group
from shop.i18n.formatting import rupiah


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


def _check_figures(money_received: int, counts: Sequence[Count]) -> None:
    if money_received < 0 or money_received > MAX_MONEY:
        raise DomainError(_l("Give the money received in rupiah."), field="money_received")
    for count in counts:
        if min(count.sold, count.restocked, count.written_off) < 0:
            raise DomainError(_l("Numbers cannot be negative."), field="counts")


def _lines_counted(outlet: Outlet, wanted: dict[int, Count]) -> dict[int, ConsignmentLine]:
    """The outlet's lines named in `wanted`, in ascending id."""
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
    return lines


def _count_line(line: ConsignmentLine, count: Count, visited_on: date) -> None:
    """Add the visit's figures to the line, if that many are still out."""
    if visited_on < line.consignment.left_on:
        raise DomainError(
            _l(
                "The visit cannot be before the goods were left (note %(number)s).",
                number=line.consignment.number,
            ),
            field="visited_on",
        )
    moved = rowcount(
        update(ConsignmentLine)
        .where(ConsignmentLine.id == line.id, ConsignmentLine.out >= count.total)
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


def _settle(outlet: Outlet, sold_value: int, money_received: int) -> None:
    """Add the visit's sales and money to the outlet, refused if it would
    have received more than it owes."""
    moved = rowcount(
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
    require_open(outlet, group, "kunjungan")
    check_day(visited_on, today or jakarta_today(), "visited_on")
    _check_figures(money_received, counts)
    _check_not_stale(outlet, shown_after)
    wanted = {count.line_id: count for count in counts if count.total}
    lines = _lines_counted(outlet, wanted)
    visit = Visit(
        group_id=group.id,
        outlet_id=outlet.id,
        visited_on=visited_on,
        money_received=money_received,
        note=clean_multiline(note, NOTE_LENGTH),
        created_by_id=by.id if by else None,
    )
    sold_value, touched = _count_lines(visit, lines, wanted)
    _settle(outlet, sold_value, money_received)
    db.session.add(visit)
    db.session.flush()
    # The counters were written by UPDATE: what is loaded must see them.
    for line in lines.values():
        db.session.expire(line, ["sold", "restocked", "written_off"])
    db.session.expire(outlet, ["sold_value", "received"])
    seen(outlet, visited_on)
    _stock_changed(touched)
    return visit


def _check_not_stale(outlet: Outlet, shown_after: int | None) -> None:
    """Refuse a form shown before the outlet's latest visit (StaleForm)."""
    if shown_after is not None and latest_visit_id(outlet) != shown_after:
        raise StaleForm(
            _l(
                "A visit to this outlet was recorded after you opened the form, perhaps this "
                "same one sent twice. Check the visits below before recording again."
            )
        )


def _count_lines(
    visit: Visit, lines: dict[int, ConsignmentLine], wanted: dict[int, Count]
) -> tuple[int, set[int]]:
    """Count each line on the visit (what sold, what came back good into
    stock, what was written off); returns the value sold and the products
    whose stock moved."""
    sold_value = 0
    touched: set[int] = set()
    for line_id, line in lines.items():
        count = wanted[line_id]
        _count_line(line, count, visit.visited_on)
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
    return sold_value, touched


def _stock_changed(products: set[int]) -> None:
    if products:
        stock.refresh_in_stock(products)
        mark_public_change()


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


def _take_back_line(entry: VisitLine, tracked: set[int]) -> bool:
    """Reverse one line of the visit; True if goods left the stock again."""
    line = entry.line
    took = False
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
        took = True
    rowcount(
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
    return took


def undo_visit(visit: Visit) -> None:
    """Take back the outlet's latest visit, entered by mistake: its sales,
    returns and money are reversed and goods it put back into stock leave it
    again (refused if they have since been sold online)."""
    outlet = visit.outlet
    # Under the lock, a second "take back" of the same visit sent at once
    # finds it gone instead of reversing it twice.
    lock_outlet(outlet)
    db.session.refresh(outlet, ["archived_at"])
    VISIT_FLOW.check(VisitFacts.of(visit, latest_visit(outlet)), "batal")
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
        if _take_back_line(entry, tracked) and entry.line.product_id is not None:
            touched.add(entry.line.product_id)
        sold_value += entry.sold * entry.line.unit_price
    rowcount(
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
    recompute_seen(outlet)
    _stock_changed(touched)
