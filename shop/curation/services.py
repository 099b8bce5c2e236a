"""Curation writes: featured groups on the home page (exhibitions are in
exhibition_services.py, which shares the helpers here).

Each function is one coordinator action: it checks the rule, changes the
models, adds the audit entry and marks the public pages changed, all in the
caller's transaction (the view commits). Scope is checked by the view's
loaders (404); what is left here are the rules a form can break.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from shop.accounts.models import User
from shop.audit.models import AuditAction
from shop.audit.services import record
from shop.coordinators.scope import Scope
from shop.core.cache import mark_public_change
from shop.curation.models import FeaturedGroup
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import Group, GroupStatus
from shop.i18n.formatting import day

UP, DOWN = "up", "down"


# Audit details are written in the coordinator's language at the time, like
# the other coordinator services' (the log keeps what was said then).
DIRECTIONS = {UP: _l("up"), DOWN: _l("down")}


def span(starts_on: date, ends_on: date | None) -> str:
    if ends_on is None:
        return _("from %(start)s, no end date", start=day(starts_on))
    return _("%(start)s to %(end)s", start=day(starts_on), end=day(ends_on))


def _check_dates(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_l("The end date cannot be before the start date."), field="ends_on")


def neighbour(items: list, item, direction: str, movable=lambda other: True) -> int | None:
    """The index of the nearest `movable` neighbour of `item` up or down, if any."""
    step = -1 if direction == UP else 1
    other = items.index(item) + step
    while 0 <= other < len(items) and not movable(items[other]):
        other += step
    return other if 0 <= other < len(items) else None


# Featured groups


def feature_group(
    group: Group, starts_on: date, ends_on: date | None, *, today: date, by: User
) -> FeaturedGroup:
    """Put a group on the home page from `starts_on` to `ends_on` (inclusive,
    open-ended when None), after the entries already there.

    A suspended group cannot be featured: it is not on the public site. The
    same group twice on one day would show it twice, so date ranges of one
    group may not overlap. An entry that has already ended is pointless.
    """
    _check_dates(starts_on, ends_on)
    if ends_on is not None and ends_on < today:
        raise DomainError(_l("The end date has already passed."), field="ends_on")
    if group.status is not GroupStatus.ACTIVE:
        raise DomainError(_l("A suspended group cannot be featured."), field="group")
    _check_no_overlap(group, starts_on, ends_on)
    last = db.session.scalar(select(func.max(FeaturedGroup.position)))
    entry = FeaturedGroup(
        group=group,
        starts_on=starts_on,
        ends_on=ends_on,
        position=(last if last is not None else -1) + 1,
        created_by_id=by.id,
    )
    db.session.add(entry)
    record(AuditAction.FEATURE_ADDED, group=group, details=span(starts_on, ends_on), actor=by)
    mark_public_change()
    db.session.flush()
    return entry


def _check_no_overlap(
    group: Group, starts_on: date, ends_on: date | None, *, besides: int | None = None
) -> None:
    stmt = select(FeaturedGroup.id).where(
        FeaturedGroup.group_id == group.id,
        (FeaturedGroup.ends_on.is_(None)) | (FeaturedGroup.ends_on >= starts_on),
    )
    if ends_on is not None:
        stmt = stmt.where(FeaturedGroup.starts_on <= ends_on)
    if besides is not None:
        stmt = stmt.where(FeaturedGroup.id != besides)
    if db.session.scalar(stmt.limit(1)) is not None:
        raise DomainError(
            _l("This group is already featured on some of these days."), field="starts_on"
        )


def change_feature_dates(
    entry: FeaturedGroup, starts_on: date, ends_on: date | None, *, by: User
) -> FeaturedGroup:
    """New dates for a featured entry; the same rules as when it was added,
    except that its start may stay in the past (it has been running)."""
    _check_dates(starts_on, ends_on)
    _check_no_overlap(entry.group, starts_on, ends_on, besides=entry.id)
    if (entry.starts_on, entry.ends_on) == (starts_on, ends_on):
        return entry
    before = span(entry.starts_on, entry.ends_on)
    entry.starts_on, entry.ends_on = starts_on, ends_on
    record(
        AuditAction.FEATURE_CHANGED,
        group=entry.group,
        details=_("dates %(before)s → %(after)s", before=before, after=span(starts_on, ends_on)),
        actor=by,
    )
    mark_public_change()
    db.session.flush()
    return entry


def move_feature(
    entry: FeaturedGroup, direction: str, scope: Scope, *, today: date, by: User
) -> bool:
    """Move a current or upcoming entry one place up or down the home page.

    It swaps places with the nearest entry the coordinator may manage (others'
    entries keep their order between them), then the positions of every
    entry still to be shown are renumbered from 0.
    """
    entries = list(
        db.session.scalars(
            select(FeaturedGroup)
            .join(FeaturedGroup.group)
            .where(FeaturedGroup.ends_on.is_(None) | (FeaturedGroup.ends_on >= today))
            .options(contains_eager(FeaturedGroup.group))
            .order_by(FeaturedGroup.position, FeaturedGroup.id)
        )
    )
    if entry not in entries:
        raise DomainError(_l("This group's time on the home page has ended."))
    other = neighbour(entries, entry, direction, lambda e: scope.covers(e.group))
    moved = other is not None
    if moved:
        index = entries.index(entry)
        entries[index], entries[other] = entries[other], entries[index]
        # The entries share no parent collection to keep their positions.
        for position, each in enumerate(entries):
            each.position = position
        record(
            AuditAction.FEATURE_CHANGED,
            group=entry.group,
            details=_("moved %(direction)s", direction=DIRECTIONS[direction]),
            actor=by,
        )
        mark_public_change()
        db.session.flush()
    return moved


def unfeature_group(entry: FeaturedGroup, *, by: User) -> None:
    record(
        AuditAction.FEATURE_REMOVED,
        group=entry.group,
        details=span(entry.starts_on, entry.ends_on),
        actor=by,
    )
    db.session.delete(entry)
    mark_public_change()
    db.session.flush()
