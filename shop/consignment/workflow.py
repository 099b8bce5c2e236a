"""Consignment's state tables: an outlet, a note (nota titip) and a visit.

The outlet page offers the buttons these tables name, and the services in
shop.consignment (outlets, notes, visits) check them, under the outlet's
lock, before changing anything. A note's and a visit's state depend on more
than their own row (what was counted on the note, which visit is the
outlet's latest, whether the outlet is archived), so those tables read a
small record of facts: the page builds it from what it loaded (`of`), the
service reads it again under the lock.

Business rules that are not states (goods still out or money owed before
archiving, stock enough to leave, dates) stay in the services.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from shop.consignment.models import Consignment, ConsignmentLine, Outlet, Visit
from shop.extensions import db
from shop.workflow import Move, Rule, Workflow

GROUP = "a member of the outlet's group (ketua or anggota)"
ARCHIVED = _l("This outlet is archived. Restore it first.")


class OutletState(enum.StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


def outlet_state(outlet: Outlet) -> OutletState:
    return OutletState.ARCHIVED if outlet.archived_at is not None else OutletState.ACTIVE


BOTH = frozenset(OutletState)
ACTIVE = frozenset({OutletState.ACTIVE})

OUTLET_FLOW: Workflow[Outlet, OutletState] = Workflow(
    outlet_state,
    {
        "titip": Move(sources=ACTIVE, target=None, who=GROUP, refused=ARCHIVED),
        "kunjungan": Move(sources=ACTIVE, target=None, who=GROUP, refused=ARCHIVED),
        # Archiving again only moves its date; restoring an active outlet
        # changes nothing. Neither is offered there.
        "arsip": Move(
            sources=BOTH, target=OutletState.ARCHIVED, who=GROUP, refused=None, shown=ACTIVE
        ),
        "pulihkan": Move(
            sources=BOTH,
            target=OutletState.ACTIVE,
            who=GROUP,
            refused=None,
            shown=frozenset({OutletState.ARCHIVED}),
        ),
    },
)


class NoteState(enum.StrEnum):
    UNCOUNTED = "uncounted"  # nothing on it counted at a visit yet
    COUNTED = "counted"
    CANCELLED = "cancelled"  # taken back: its lines are gone


@dataclass(frozen=True)
class NoteFacts:
    lines: int
    counted: bool
    outlet_archived: bool

    @classmethod
    def of(cls, consignment: Consignment) -> NoteFacts:
        """From the note as loaded (the page)."""
        return cls(
            len(consignment.lines),
            consignment.counted,
            consignment.outlet.archived_at is not None,
        )

    @classmethod
    def read(cls, consignment: Consignment) -> NoteFacts:
        """Read again from the database (the service, under the outlet's lock):
        a visit may have counted it, or another request cancelled it, since
        it was loaded."""
        lines, counted = db.session.execute(
            select(
                func.count(ConsignmentLine.id),
                func.coalesce(
                    func.sum(
                        ConsignmentLine.sold
                        + ConsignmentLine.restocked
                        + ConsignmentLine.written_off
                    ),
                    0,
                ),
            ).where(ConsignmentLine.consignment_id == consignment.id)
        ).one()
        return cls(lines, bool(counted), consignment.outlet.archived_at is not None)


def note_state(facts: NoteFacts) -> NoteState:
    if facts.lines == 0:
        return NoteState.CANCELLED
    return NoteState.COUNTED if facts.counted else NoteState.UNCOUNTED


_OUTLET_OPEN = (Rule(lambda facts: not facts.outlet_archived, ARCHIVED),)

NOTE_FLOW: Workflow[NoteFacts, NoteState] = Workflow(
    note_state,
    {
        # Its tracked goods go back into stock.
        "batal": Move(
            sources=frozenset({NoteState.UNCOUNTED}),
            target=NoteState.CANCELLED,
            who=GROUP,
            refused=lambda state: (
                _l("This note is already cancelled.")
                if state is NoteState.CANCELLED
                else _l(
                    "Sales or returns are already recorded on this note; "
                    "it can no longer be cancelled."
                )
            ),
            first=_OUTLET_OPEN,
        ),
    },
)


class VisitState(enum.StrEnum):
    LATEST = "latest"  # the outlet's latest visit by entry
    EARLIER = "earlier"  # a later visit was recorded, or this one was taken back


@dataclass(frozen=True)
class VisitFacts:
    latest: bool
    outlet_archived: bool

    @classmethod
    def of(cls, visit: Visit, latest: Visit | None) -> VisitFacts:
        return cls(
            latest is not None and latest.id == visit.id,
            visit.outlet.archived_at is not None,
        )


def latest_visit(outlet: Outlet) -> Visit | None:
    return db.session.scalar(
        select(Visit).where(Visit.outlet_id == outlet.id).order_by(Visit.id.desc()).limit(1)
    )


VISIT_FLOW: Workflow[VisitFacts, VisitState] = Workflow(
    lambda facts: VisitState.LATEST if facts.latest else VisitState.EARLIER,
    {
        # Its sales, returns and money are reversed.
        "batal": Move(
            sources=frozenset({VisitState.LATEST}),
            target=None,
            who=GROUP,
            refused=_l("Only the latest visit to an outlet can be taken back."),
            first=_OUTLET_OPEN,
        ),
    },
)
