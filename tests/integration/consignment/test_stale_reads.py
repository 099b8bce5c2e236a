"""Consignment writes on what another request changed after this one loaded
it: each service reads the rows again (the note's lines, the outlet's
archive and money) and refuses, rather than trusting the loaded objects."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, update

from shop.catalogue.models import Variant
from shop.consignment import services
from shop.consignment.models import ConsignmentLine, Outlet
from shop.consignment.services import Count, Item
from shop.errors import DomainError
from shop.extensions import db
from tests.integration.consignment.helpers import TODAY, attempt, stock_of


def test_cancel_reads_the_note_again_not_the_lines_it_loaded(shop):
    """Another member's visit counted the note after this request loaded it
    (the other request's UPDATE is not seen by the loaded lines): the cancel
    must still be refused, or the sold goods would go back into stock."""
    group, outlet, abon, _ = shop
    note = services.leave_goods(group, outlet, TODAY, [Item(abon.id, 5, 20000)], today=TODAY)
    db.session.flush()
    line = note.lines[0]
    assert line.sold == 0  # loaded
    db.session.execute(
        update(ConsignmentLine)
        .where(ConsignmentLine.id == line.id)
        .values(sold=3)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(DomainError):
        attempt(lambda: services.cancel_consignment(note))
    assert stock_of(abon) == 5


def test_a_note_cancelled_by_another_request_is_not_cancelled_again(shop):
    group, outlet, abon, _ = shop
    note = services.leave_goods(group, outlet, TODAY, [Item(abon.id, 5, 20000)], today=TODAY)
    db.session.flush()
    assert len(note.lines) == 1
    # The other request's cancel: its goods are back and the note is gone.
    db.session.execute(update(Variant).where(Variant.id == abon.id).values(stock=Variant.stock + 5))
    db.session.execute(
        delete(ConsignmentLine)
        .where(ConsignmentLine.consignment_id == note.id)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(DomainError):
        attempt(lambda: services.cancel_consignment(note))
    assert stock_of(abon) == 10


def _archive_in_another_request(outlet):
    """Archived in the database, behind the loaded object's back."""
    db.session.execute(
        update(Outlet)
        .where(Outlet.id == outlet.id)
        .values(archived_at=func.current_timestamp())
        .execution_options(synchronize_session=False)
    )


def test_an_outlet_archived_by_another_request_takes_no_goods(shop):
    """The outlet was archived (by another member) after this request loaded
    it: leaving goods or recording a visit there is refused, not saved
    where nobody looks any more."""
    group, outlet, abon, _ = shop
    note = services.leave_goods(group, outlet, TODAY, [Item(abon.id, 2, 20000)], today=TODAY)
    db.session.flush()
    assert outlet.archived_at is None  # loaded
    _archive_in_another_request(outlet)
    with pytest.raises(DomainError):
        attempt(
            lambda: services.leave_goods(
                group, outlet, TODAY, [Item(abon.id, 3, 20000)], today=TODAY
            )
        )
    _archive_in_another_request(outlet)
    with pytest.raises(DomainError):
        attempt(
            lambda: services.record_visit(
                group, outlet, TODAY, [Count(note.lines[0].id, sold=1)], today=TODAY
            )
        )
    assert stock_of(abon) == 8
    db.session.expire_all()
    assert db.session.get(Outlet, outlet.id).sold_value == 0


def test_archive_reads_what_is_owed_again(shop):
    """A visit (in another request) sold goods after this request loaded the
    outlet: archiving sees what is owed now."""
    group, outlet, abon, _ = shop
    note = services.leave_goods(group, outlet, TODAY, [Item(abon.id, 2, 20000)], today=TODAY)
    db.session.flush()
    line_id = note.lines[0].id
    assert outlet.owed == 0  # loaded
    db.session.execute(
        update(ConsignmentLine)
        .where(ConsignmentLine.id == line_id)
        .values(sold=2)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Outlet)
        .where(Outlet.id == outlet.id)
        .values(sold_value=40000)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(DomainError):
        attempt(lambda: services.archive_outlet(outlet))
