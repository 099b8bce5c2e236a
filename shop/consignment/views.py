"""Consignment pages for a group's members: outlets, drop-offs, visits, the
ledger and the printable nota titip.

Every page loads its group through the person's membership and its outlet or
note through that group, so another group's outlet or note is a 404.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.consignment.models import Consignment, Outlet, Visit, VisitLine
from shop.extensions import db
from shop.groups.models import Group


def get_outlet_or_404(group: Group, outlet_id: int) -> Outlet:
    outlet = db.session.scalar(
        select(Outlet).where(Outlet.id == outlet_id, Outlet.group_id == group.id)
    )
    if outlet is None:
        abort(404)
    return outlet


def get_consignment_or_404(group: Group, number: str) -> Consignment:
    consignment = db.session.scalar(
        select(Consignment)
        .where(Consignment.number == number.upper(), Consignment.group_id == group.id)
        .options(selectinload(Consignment.lines))
    )
    if consignment is None:
        abort(404)
    return consignment


def get_visit_or_404(outlet: Outlet, visit_id: int) -> Visit:
    visit = db.session.scalar(
        select(Visit)
        .where(Visit.id == visit_id, Visit.outlet_id == outlet.id)
        .options(selectinload(Visit.lines).joinedload(VisitLine.line))
    )
    if visit is None:
        abort(404)
    return visit
