"""Reading visits: loaders that give 404 outside the reader's right to see a
visit, a group's visits, the follow-ups due in a coordinator's scope, and what
the funders' report shows."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from shop.coordinators.scope import Scope
from shop.core.pagination import paginate
from shop.extensions import db
from shop.groups.models import Group
from shop.visits.models import FollowUp, MonevVisit

# "Due" on the coordinators' list: overdue, or due within this many days.
DUE_SOON_DAYS = 14
DUE_PAGE_SIZE = 50


def _with_parts(stmt):
    return stmt.options(selectinload(MonevVisit.follow_ups), selectinload(MonevVisit.photos))


def visits_of(group: Group) -> list[MonevVisit]:
    """Every visit to the group, the newest first, with recommendations and photos."""
    return list(
        db.session.scalars(
            _with_parts(select(MonevVisit))
            .where(MonevVisit.group_id == group.id)
            .order_by(MonevVisit.visited_on.desc(), MonevVisit.id.desc())
        )
    )


def get_visit_in_scope_or_404(scope: Scope, visit_id: int, *, lock: bool = False) -> MonevVisit:
    """A visit to a group the coordinator's scope covers (the operator: any)."""
    stmt = (
        _with_parts(select(MonevVisit))
        .join(MonevVisit.group)
        .where(MonevVisit.id == visit_id, scope.groups_clause())
        .options(contains_eager(MonevVisit.group))
    )
    if lock:
        stmt = stmt.with_for_update(of=MonevVisit)
    visit = db.session.scalar(stmt)
    if visit is None:
        abort(404)
    return visit


def get_visit_of_group_or_404(group: Group, visit_id: int) -> MonevVisit:
    visit = db.session.scalar(
        _with_parts(select(MonevVisit)).where(
            MonevVisit.id == visit_id, MonevVisit.group_id == group.id
        )
    )
    if visit is None:
        abort(404)
    return visit


def get_follow_up_of_group_or_404(group: Group, follow_up_id: int) -> FollowUp:
    follow_up = db.session.scalar(
        select(FollowUp)
        .join(FollowUp.visit)
        .where(FollowUp.id == follow_up_id, MonevVisit.group_id == group.id)
        .options(contains_eager(FollowUp.visit))
        .with_for_update(of=FollowUp)
    )
    if follow_up is None:
        abort(404)
    return follow_up


def due_in_scope(scope: Scope, today: date):
    """One page of the open follow-ups in scope that are overdue or due within
    DUE_SOON_DAYS, the most overdue first, each with its visit and group:
    two statements whatever the page holds."""
    stmt = (
        select(FollowUp)
        .join(FollowUp.visit)
        .join(MonevVisit.group)
        .where(
            FollowUp.done_at.is_(None),
            FollowUp.due_on <= today + timedelta(days=DUE_SOON_DAYS),
            scope.groups_clause(),
        )
        .options(contains_eager(FollowUp.visit).contains_eager(MonevVisit.group))
        .order_by(FollowUp.due_on, Group.name, FollowUp.id)
    )
    return paginate(stmt, DUE_PAGE_SIZE)


def due_for_group(group: Group, today: date) -> list[FollowUp]:
    """The group's open recommendations overdue or due within DUE_SOON_DAYS
    (the group's home page), the soonest first."""
    return list(
        db.session.scalars(
            select(FollowUp)
            .join(FollowUp.visit)
            .where(
                FollowUp.done_at.is_(None),
                MonevVisit.group_id == group.id,
                FollowUp.due_on <= today + timedelta(days=DUE_SOON_DAYS),
            )
            .order_by(FollowUp.due_on, FollowUp.id)
        )
    )


def open_follow_ups(group: Group, *, limit: int | None = None) -> tuple[list[FollowUp], int]:
    """The group's recommendations not done yet, the soonest due first (at most
    `limit`), and how many there are in all."""
    where = (FollowUp.done_at.is_(None), MonevVisit.group_id == group.id)
    stmt = (
        select(FollowUp)
        .join(FollowUp.visit)
        .where(*where)
        .options(contains_eager(FollowUp.visit))
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    shown = list(db.session.scalars(stmt))
    if limit is None or len(shown) < limit:
        return shown, len(shown)
    total = db.session.scalar(
        select(func.count()).select_from(FollowUp).join(FollowUp.visit).where(*where)
    )
    return shown, total


def latest_visit(group: Group) -> MonevVisit | None:
    return db.session.scalar(
        select(MonevVisit)
        .where(MonevVisit.group_id == group.id)
        .options(joinedload(MonevVisit.recorded_by))
        .order_by(MonevVisit.visited_on.desc(), MonevVisit.id.desc())
        .limit(1)
    )
