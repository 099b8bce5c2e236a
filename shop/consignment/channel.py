"""Consignment (titip jual) as a sales channel: the grouped reads the group's
sales page and the coordinators' monitoring use beside the online orders.

A consignment sale happens at a visit: the units recorded as sold there, at
the line's agreed price, on the visit's day. `Visit.visited_on` is already a
Jakarta calendar day, so a month is simply `visited_on >= first day`. Money
received is per visit (an outlet pays for everything at once), so it is
summed over visits, never over visit lines (that would count it once per
line). An undone visit is deleted with its lines and so counts nowhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Integer, case, literal, select, union_all

from shop.consignment.models import ConsignmentLine, Visit, VisitLine


def month_key(starts: Sequence[date]):
    """The month of `Visit.visited_on` as its index in `starts` (the first
    days of consecutive months, the range's end last); 0 when there is one."""
    inner = starts[1:-1]
    if not inner:
        return literal(0)
    return case(
        *((Visit.visited_on < start, i) for i, start in enumerate(inner)),
        else_=len(inner),
    )


def sold_lines(*columns):
    """Per visit line with something sold: `columns` over Visit, VisitLine and
    ConsignmentLine (join Group or filter on `Visit.group_id` to scope it)."""
    return (
        select(*columns)
        .select_from(VisitLine)
        .join(Visit, Visit.id == VisitLine.visit_id)
        .join(ConsignmentLine, ConsignmentLine.id == VisitLine.line_id)
        .where(VisitLine.sold > 0)
    )


def sold_value():
    return VisitLine.sold * ConsignmentLine.unit_price


def _zero():
    return literal(0, Integer)


def channel_rows(key, *where, join=None):
    """One subquery with columns key, value, units, received: a row per sold
    visit line (value and units) and a row per visit with money (received),
    so one GROUP BY over it gives all three without counting money twice.
    `where` applies to both halves; `join` is an optional (entity, onclause)
    both join to (e.g. the group, to filter on it)."""
    lines = sold_lines(
        key.label("key"),
        sold_value().label("value"),
        VisitLine.sold.label("units"),
        _zero().label("received"),
    )
    visits = (
        select(
            key.label("key"),
            _zero().label("value"),
            _zero().label("units"),
            Visit.money_received.label("received"),
        )
        .select_from(Visit)
        .where(Visit.money_received > 0)
    )
    if join is not None:
        lines = lines.join(*join)
        visits = visits.join(*join)
    return union_all(lines.where(*where), visits.where(*where)).subquery()
