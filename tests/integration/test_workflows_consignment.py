"""The consignment tables (shop.consignment.workflow), walked entry by entry:
each outlet move in each outlet state, cancelling a note and taking back a
visit in each of theirs, and the buttons the outlet page shows. How the
walks work: test_workflows.py."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete

from shop.consignment import services as consignment
from shop.consignment.models import ConsignmentLine
from shop.consignment.services import Count, Item
from shop.consignment.workflow import (
    NOTE_FLOW,
    OUTLET_FLOW,
    VISIT_FLOW,
    NoteFacts,
    NoteState,
    OutletState,
    VisitFacts,
    VisitState,
    latest_visit,
)
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import (
    Role,
)
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    OutletFactory,
    ProductFactory,
    VariantFactory,
)
from tests.integration.workflow_walk import (
    english_fixture,  # noqa: F401
)

# Consignment: an outlet, a note, a visit.

TODAY = date(2026, 11, 23)
ARCHIVED = "This outlet is archived. Restore it first."


@pytest.fixture
def stall(english):
    group = GroupFactory()
    variant = VariantFactory(product=ProductFactory(group=group), price=10000, stock=20)
    outlet = OutletFactory(group=group)
    db.session.flush()
    return group, outlet, variant


def _archive(outlet):
    outlet.archived_at = utcnow()
    db.session.flush()


OUTLET_SERVICES = {
    "titip": lambda g, o, v: consignment.leave_goods(
        g, o, TODAY, [Item(v.id, 1, 10000)], today=TODAY
    ),
    "kunjungan": lambda g, o, v: consignment.record_visit(g, o, TODAY, [], today=TODAY),
    "arsip": lambda g, o, v: consignment.archive_outlet(o),
    "pulihkan": lambda g, o, v: consignment.restore_outlet(o),
}


@pytest.mark.parametrize("state", list(OutletState))
@pytest.mark.parametrize("name", list(OUTLET_SERVICES))
def test_every_outlet_move_in_every_state(stall, name, state):
    group, outlet, variant = stall
    if state is OutletState.ARCHIVED:
        _archive(outlet)
    move = OUTLET_FLOW[name]
    assert set(OUTLET_FLOW) == set(OUTLET_SERVICES)
    if state in move.sources:
        OUTLET_SERVICES[name](group, outlet, variant)
        if move.target is not None:
            assert (outlet.archived_at is not None) is (move.target is OutletState.ARCHIVED)
        return
    with pytest.raises(DomainError) as refused:
        OUTLET_SERVICES[name](group, outlet, variant)
    assert str(refused.value.message) == ARCHIVED


def _note_in(state, group, outlet, variant):
    note = consignment.leave_goods(group, outlet, TODAY, [Item(variant.id, 2, 10000)], today=TODAY)
    if state is NoteState.COUNTED:
        consignment.record_visit(
            group, outlet, TODAY, [Count(note.lines[0].id, sold=1)], today=TODAY
        )
    elif state is NoteState.CANCELLED:
        # Cancelled by another request since this one loaded it.
        db.session.execute(delete(ConsignmentLine).where(ConsignmentLine.consignment_id == note.id))
    return note


NOTE_REFUSALS = {
    NoteState.COUNTED: (
        "Sales or returns are already recorded on this note; it can no longer be cancelled."
    ),
    NoteState.CANCELLED: "This note is already cancelled.",
}


@pytest.mark.parametrize("archived", [False, True])
@pytest.mark.parametrize("state", list(NoteState))
def test_cancelling_a_note_in_every_state(stall, state, archived):
    group, outlet, variant = stall
    note = _note_in(state, group, outlet, variant)
    if archived:
        _archive(outlet)
    assert NOTE_FLOW["batal"].sources == {NoteState.UNCOUNTED}
    if state is NoteState.UNCOUNTED and not archived:
        consignment.cancel_consignment(note)
        assert variant.stock == 20
        return
    with pytest.raises(DomainError) as refused:
        consignment.cancel_consignment(note)
    assert str(refused.value.message) == (ARCHIVED if archived else NOTE_REFUSALS[state])


@pytest.mark.parametrize("archived", [False, True])
@pytest.mark.parametrize("state", list(VisitState))
def test_taking_back_a_visit_in_every_state(stall, state, archived):
    group, outlet, variant = stall
    note = _note_in(NoteState.UNCOUNTED, group, outlet, variant)
    first = consignment.record_visit(
        group, outlet, TODAY, [Count(note.lines[0].id, sold=1)], today=TODAY
    )
    later = consignment.record_visit(group, outlet, TODAY, [], today=TODAY)
    visit = later if state is VisitState.LATEST else first
    if archived:
        _archive(outlet)
    assert VISIT_FLOW["batal"].sources == {VisitState.LATEST}
    if state is VisitState.LATEST and not archived:
        consignment.undo_visit(visit)
        assert latest_visit(outlet).id == first.id
        return
    with pytest.raises(DomainError) as refused:
        consignment.undo_visit(visit)
    assert str(refused.value.message) == (
        ARCHIVED if archived else "Only the latest visit to an outlet can be taken back."
    )


def test_the_outlet_page_shows_the_buttons_of_the_tables(client, login_as, stall):
    group, outlet, variant = stall
    member = MembershipFactory(role=Role.MEMBER, group=group)
    login_as(member.user)
    counted = _note_in(NoteState.COUNTED, group, outlet, variant)
    uncounted = _note_in(NoteState.UNCOUNTED, group, outlet, variant)
    visits = [consignment.record_visit(group, outlet, TODAY, [], today=TODAY) for _ in range(2)]
    db.session.flush()
    base = f"/kelola/{group.slug}/titip"
    for archived in (False, True):
        if archived:
            consignment.restore_outlet(outlet)  # nothing changes while active
            _archive(outlet)
        html = client.get(f"{base}/warung/{outlet.id}").get_data(as_text=True)
        outlet_moves = set(OUTLET_FLOW.offered(outlet))
        assert (f"warung/{outlet.id}/arsip" in html) is ("arsip" in outlet_moves)
        assert (f"warung/{outlet.id}/pulihkan" in html) is ("pulihkan" in outlet_moves)
        for note in (counted, uncounted):
            offered = "batal" in NOTE_FLOW.offered(NoteFacts.of(note))
            assert (f"nota/{note.number}/batal" in html) is offered, (note.number, archived)
        latest = latest_visit(outlet)
        for visit in [*visits, latest]:
            offered = "batal" in VISIT_FLOW.offered(VisitFacts.of(visit, latest))
            assert (f"kunjungan/{visit.id}/batal" in html) is offered, (visit.id, archived)
