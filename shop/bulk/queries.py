"""Reads of bulk requests: the requester's page, a group's list and page,
a coordinator's list and page. Each list is a fixed number of statements."""

from __future__ import annotations

import hmac

from flask import abort
from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import joinedload, selectinload

from shop.bulk.matching import visible_to
from shop.bulk.models import (
    BulkInvitation,
    BulkOffer,
    BulkRequest,
    GroupCapacity,
    RequestStatus,
)
from shop.coordinators.scope import Scope
from shop.extensions import db
from shop.groups.models import Group, GroupStatus

NUMBER_MAX = 16


def _request_options():
    return (joinedload(BulkRequest.province), joinedload(BulkRequest.regency))


def get_request_by_key_or_404(number: str, key: str) -> BulkRequest:
    """The request behind a private link; the key compared in constant time."""
    request = None
    if len(number) <= NUMBER_MAX and key and len(key) <= 64:
        request = db.session.scalar(
            select(BulkRequest)
            .where(BulkRequest.number == number.upper())
            .options(*_request_options())
        )
    if request is None or not hmac.compare_digest(request.key, key):
        abort(404)
    return request


def offers_of(request: BulkRequest) -> list[BulkOffer]:
    """Every offer with its group and the group's town: one statement."""
    return list(
        db.session.scalars(
            select(BulkOffer)
            .where(BulkOffer.request_id == request.id)
            .options(
                joinedload(BulkOffer.group).joinedload(Group.regency),
                joinedload(BulkOffer.order),
            )
            .order_by(BulkOffer.unit_price, BulkOffer.id)
        )
    )


def requests_of_contact(contact: str) -> list[BulkRequest]:
    return list(
        db.session.scalars(
            select(BulkRequest)
            .where(
                or_(BulkRequest.contact_phone == contact, BulkRequest.contact_email == contact),
                BulkRequest.status != RequestStatus.PENDING,
            )
            .order_by(BulkRequest.created_at.desc())
        )
    )


# --- a group -------------------------------------------------------------------


def requests_for_group(group: Group) -> list[tuple[BulkRequest, BulkOffer | None]]:
    """What the group may see, each with its own offer: one statement."""
    rows = db.session.execute(
        select(BulkRequest, BulkOffer)
        .outerjoin(
            BulkOffer,
            and_(BulkOffer.request_id == BulkRequest.id, BulkOffer.group_id == group.id),
        )
        .where(visible_to(group))
        .options(*_request_options())
        .order_by(BulkRequest.status.desc(), BulkRequest.needed_by, BulkRequest.id)
    )
    return [(request, offer) for request, offer in rows]


def get_request_for_group_or_404(group: Group, number: str) -> tuple[BulkRequest, BulkOffer | None]:
    """A request the group may see, with its own offer; anything else is a 404."""
    row = None
    if len(number) <= NUMBER_MAX:
        row = db.session.execute(
            select(BulkRequest, BulkOffer)
            .outerjoin(
                BulkOffer,
                and_(BulkOffer.request_id == BulkRequest.id, BulkOffer.group_id == group.id),
            )
            .where(BulkRequest.number == number.upper(), visible_to(group))
            .options(*_request_options())
        ).first()
    if row is None:
        abort(404)
    return row[0], row[1]


def capacities_of(group: Group) -> list[GroupCapacity]:
    return list(
        db.session.scalars(
            select(GroupCapacity)
            .where(GroupCapacity.group_id == group.id)
            .order_by(GroupCapacity.category)
        )
    )


# --- a coordinator -------------------------------------------------------------------


def scope_clause(scope: Scope):
    """WHERE over BulkRequest: requests in the coordinator's regions (every
    region when the scope names none)."""
    if scope.is_operator or not (scope.provinces or scope.regencies):
        return true()
    clauses = []
    if scope.provinces:
        clauses.append(BulkRequest.province_code.in_(sorted(scope.provinces)))
    if scope.regencies:
        clauses.append(BulkRequest.regency_code.in_(sorted(scope.regencies)))
    return or_(*clauses)


def requests_in_scope(scope: Scope) -> list[tuple[BulkRequest, int, int]]:
    """Confirmed requests in scope, newest first, with how many groups were
    told and how many offered: one statement."""
    told = (
        select(func.count(BulkInvitation.id))
        .where(BulkInvitation.request_id == BulkRequest.id)
        .scalar_subquery()
    )
    offered = (
        select(func.count(BulkOffer.id)).where(BulkOffer.request_id == BulkRequest.id)
    ).scalar_subquery()
    rows = db.session.execute(
        select(BulkRequest, told, offered)
        .where(scope_clause(scope), BulkRequest.status != RequestStatus.PENDING)
        .options(*_request_options())
        .order_by(BulkRequest.created_at.desc(), BulkRequest.id.desc())
    )
    return [(request, n_told, n_offered) for request, n_told, n_offered in rows]


def get_request_in_scope_or_404(scope: Scope, number: str) -> BulkRequest:
    request = None
    if len(number) <= NUMBER_MAX:
        request = db.session.scalar(
            select(BulkRequest)
            .where(
                BulkRequest.number == number.upper(),
                scope_clause(scope),
                BulkRequest.status != RequestStatus.PENDING,
            )
            .options(*_request_options())
        )
    if request is None:
        abort(404)
    return request


def told_groups(request: BulkRequest) -> list[BulkInvitation]:
    return list(
        db.session.scalars(
            select(BulkInvitation)
            .where(BulkInvitation.request_id == request.id)
            .options(joinedload(BulkInvitation.group), joinedload(BulkInvitation.by))
            .order_by(BulkInvitation.id)
        )
    )


def invitable_groups(scope: Scope, request: BulkRequest) -> list[Group]:
    """Active groups in scope not yet told, those with a capacity in the
    category or in the request's province first."""
    told = select(BulkInvitation.group_id).where(BulkInvitation.request_id == request.id)
    has_capacity = (
        select(GroupCapacity.group_id)
        .where(GroupCapacity.category == request.category)
        .scalar_subquery()
    )
    return list(
        db.session.scalars(
            select(Group)
            .where(
                scope.groups_clause(),
                Group.status == GroupStatus.ACTIVE,
                Group.id.not_in(told),
                or_(Group.province_code == request.province_code, Group.id.in_(has_capacity)),
            )
            .options(selectinload(Group.regency))
            .order_by(Group.name)
            .limit(300)
        )
    )
