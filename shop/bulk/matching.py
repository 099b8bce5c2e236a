"""Which groups fit a request, and which requests a group may see.

A group fits a request when it is active, lies in the request's province and
has declared a weekly capacity for the request's category that, over the
weeks until the date, makes at least a quarter of the quantity (a share worth
offering: the requester can split the rest among others). A group may answer
a request it fits or was told of (found fitting when it opened, or invited
by a coordinator); it sees those and every request it has offered on.
"""

from __future__ import annotations

from datetime import date
from math import ceil

from sqlalchemy import and_, exists, or_, select

from shop.bulk.models import BulkInvitation, BulkOffer, BulkRequest, GroupCapacity, RequestStatus
from shop.groups.models import Group, GroupStatus

# The share of the quantity a group must be able to make by the date to fit.
FITTING_SHARE = 4


def min_weekly_capacity(quantity: int, needed_by: date, today: date) -> int:
    """The weekly capacity that makes a quarter of `quantity` by the date
    (at least one week counted)."""
    weeks = max(1, (needed_by - today).days // 7)
    return max(1, ceil(ceil(quantity / FITTING_SHARE) / weeks))


def _capacity_fits(group_id, request=BulkRequest):
    return exists(
        select(GroupCapacity.id)
        .where(
            GroupCapacity.group_id == group_id,
            GroupCapacity.category == request.category,
            GroupCapacity.weekly_quantity >= request.min_weekly_capacity,
        )
        .correlate(request)
    )


def fitting_groups(request: BulkRequest):
    """SELECT of the active groups that fit `request` (not yet told or told)."""
    return select(Group).where(
        Group.status == GroupStatus.ACTIVE,
        Group.province_code == request.province_code,
        exists(
            select(GroupCapacity.id).where(
                GroupCapacity.group_id == Group.id,
                GroupCapacity.category == request.category,
                GroupCapacity.weekly_quantity >= request.min_weekly_capacity,
            )
        ),
    )


def _invited(group_id):
    return exists(
        select(BulkInvitation.id)
        .where(BulkInvitation.request_id == BulkRequest.id, BulkInvitation.group_id == group_id)
        .correlate(BulkRequest)
    )


def _offered(group_id):
    return exists(
        select(BulkOffer.id)
        .where(BulkOffer.request_id == BulkRequest.id, BulkOffer.group_id == group_id)
        .correlate(BulkRequest)
    )


def answerable(group: Group):
    """WHERE clause over BulkRequest: open requests `group` may answer."""
    if group.status is not GroupStatus.ACTIVE:
        return BulkRequest.id.is_(None)
    fits = and_(BulkRequest.province_code == group.province_code, _capacity_fits(group.id))
    return and_(BulkRequest.status == RequestStatus.OPEN, or_(_invited(group.id), fits))


def visible_to(group: Group):
    """WHERE clause over BulkRequest: what `group` may see (answerable, or offered on)."""
    return or_(answerable(group), _offered(group.id))
