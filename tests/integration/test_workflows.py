"""Every workflow's state table, walked entry by entry.

For each move of each table and each state: the service succeeds where the
table allows the move (and leads to its target), and refuses everywhere else
with the message it has always given; and each page shows exactly the
buttons the table offers in that state.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask_babel import force_locale
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
from shop.coordinators import verification_services as verification
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups import documents
from shop.groups.models import (
    DeliveryMethod,
    GroupStatus,
    PaymentMethod,
    Programme,
    Role,
    Verification,
)
from shop.groups.workflow import EVERY, VERIFICATION_FLOW
from shop.orders import services as orders
from shop.orders.models import OrderStatus, PaymentStatus
from shop.orders.workflow import ORDER_FLOW, InvalidTransition
from tests.factories import (
    CoordinatorFactory,
    GroupFactory,
    MembershipFactory,
    OutletFactory,
    ProductFactory,
    VariantFactory,
    make_order,
)

S = OrderStatus


@pytest.fixture
def english(app_ctx):
    """The messages compared are the source strings."""
    with force_locale("en"):
        yield


# What the table must say, written out independently of it: the states each
# move is allowed from, and the refusal in every other state.
ORDER_SOURCES = {
    "konfirmasi": {S.PLACED},
    "lunas": {S.PLACED, S.CONFIRMED, S.PACKED, S.SHIPPED, S.READY, S.COMPLETED},
    "kemas": {S.CONFIRMED},
    "kirim": {S.PACKED},
    "siap": {S.PACKED},
    "selesai": {S.SHIPPED, S.READY},
    "batal": {S.PLACED, S.CONFIRMED, S.PACKED},
    "kedaluwarsa": {S.PLACED, S.CONFIRMED},
}
ORDER_REFUSALS = {
    "konfirmasi": "Only a new order can be confirmed.",
    "lunas": "This order is closed.",
    "kemas": "Only a confirmed order can be packed.",
    "kirim": "Pack the order before shipping it.",
    "siap": "Pack the order before it is ready for pickup.",
    "selesai": "Only a shipped order, or one ready for pickup, can be completed.",
    "batal": "This order can no longer be cancelled.",
}
ORDER_SERVICES = {
    "konfirmasi": lambda o: orders.confirm_order(o, 5000, None),
    "lunas": lambda o: orders.mark_paid(o, None, "", repeat=False),
    "kemas": lambda o: orders.mark_packed(o, None),
    "kirim": lambda o: orders.mark_shipped(o, "JNE", "JN123", None),
    "siap": lambda o: orders.mark_ready(o, None),
    "selesai": lambda o: orders.complete_order(o, None),
    "batal": lambda o: orders.cancel_order(o, "Bahan habis", None),
}
# The order's other facts the rules read: how it is delivered and paid, and
# whether it is paid already.
ORDER_KINDS = [
    (DeliveryMethod.PICKUP, PaymentMethod.TRANSFER, False),
    (DeliveryMethod.PICKUP, PaymentMethod.TRANSFER, True),
    (DeliveryMethod.COURIER, PaymentMethod.CASH, False),
    (DeliveryMethod.COURIER, PaymentMethod.CARD, False),
    (DeliveryMethod.COURIER, PaymentMethod.CARD, True),
]


def test_the_order_table_says_what_the_order_services_always_checked(english):
    for name, sources in ORDER_SOURCES.items():
        assert ORDER_FLOW[name].sources == sources, name
        for status in set(OrderStatus) - sources:
            if name in ORDER_REFUSALS:
                assert str(ORDER_FLOW[name].refusal_in(status)) == ORDER_REFUSALS[name]
    assert set(ORDER_FLOW) == set(ORDER_SOURCES)


def _order(status, kind):
    delivery, payment, paid = kind
    return make_order(
        delivery=delivery,
        payment=payment,
        status=status,
        payment_status=PaymentStatus.PAID if paid else PaymentStatus.UNPAID,
        paid_at=utcnow() if paid else None,
    )


@pytest.mark.parametrize("kind", ORDER_KINDS, ids=lambda k: "-".join(map(str, k)))
@pytest.mark.parametrize("status", list(OrderStatus))
@pytest.mark.parametrize("name", list(ORDER_SERVICES))
def test_every_order_move_in_every_state(english, name, status, kind):
    order = _order(status, kind)
    refusal = ORDER_FLOW.refusal(order, name)
    move = ORDER_FLOW[name]
    if refusal is None:
        savepoint = db.session.begin_nested()
        ORDER_SERVICES[name](order)
        assert order.status is (move.target or status)
        if name == "lunas":
            assert order.is_paid
        savepoint.rollback()
        return
    if name == "lunas" and order.is_paid:
        # A person pressing "paid" again is told so first, whatever the state.
        assert str(refusal.message) == "This order is already marked paid."
    elif status not in move.sources:
        assert str(refusal.message) == ORDER_REFUSALS[name]
    with pytest.raises(InvalidTransition) as refused:
        ORDER_SERVICES[name](order)
    assert str(refused.value.message) == str(refusal.message)
    assert order.status is status


@pytest.mark.parametrize("status", list(OrderStatus))
@pytest.mark.parametrize("payment_status", [PaymentStatus.UNPAID, PaymentStatus.PROOF_SENT])
def test_only_an_unpaid_open_order_expires(app_ctx, status, payment_status):
    order = make_order(status=status, payment_status=payment_status)
    expirable = status in ORDER_SOURCES["kedaluwarsa"] and payment_status is PaymentStatus.UNPAID
    assert (ORDER_FLOW.refusal(order, "kedaluwarsa") is None) is expirable
    assert orders.expire_order(order) is expirable
    assert order.status is (OrderStatus.EXPIRED if expirable else status)


def _buttons(html: str, pattern: str) -> set[str]:
    return set(re.findall(pattern, html))


@pytest.mark.parametrize("kind", ORDER_KINDS, ids=lambda k: "-".join(map(str, k)))
def test_the_order_page_shows_the_buttons_of_the_table(client, login_as, kind):
    membership = MembershipFactory(role=Role.MEMBER, group=GroupFactory(offers_courier=True))
    login_as(membership.user)
    for status in OrderStatus:
        order = _order(status, kind)
        order.group = membership.group
        db.session.flush()
        expected = set(ORDER_FLOW.offered(order))
        html = client.get(f"/kelola/{membership.group.slug}/pesanan/{order.number}").get_data(
            as_text=True
        )
        shown = _buttons(html, r'action="/kelola/[^/]+/pesanan/[^/]+/([a-z]+)"')
        assert shown == expected, (status, kind)
        assert "kedaluwarsa" not in shown


# Group verification: the state is (verification, status).

V, G = Verification, GroupStatus
VERIFICATION_SOURCES = {
    "verifikasi": {(V.UNVERIFIED, G.ACTIVE), (V.CHANGES_REQUESTED, G.ACTIVE)},
    "minta-perbaikan": {(v, g) for v in (V.UNVERIFIED, V.VERIFIED) for g in G},
    "tangguhkan": {(v, G.ACTIVE) for v in V},
    "aktifkan": {(v, G.SUSPENDED) for v in V},
    "catatan": set(EVERY),
    "tinjau-ulang": {(V.CHANGES_REQUESTED, g) for g in G},
}


def _verification_refusal(name, standing):
    verification_state, status = standing
    return {
        "verifikasi": (
            "This group is already verified."
            if verification_state is V.VERIFIED
            else "This group is suspended. Reinstate it before verifying it."
        ),
        "minta-perbaikan": (
            "Changes are already requested and the group has not asked for review yet. "
            "Add a note if you want to tell it more."
        ),
        "tangguhkan": "This group is already suspended.",
        "aktifkan": "This group is not suspended.",
        "tinjau-ulang": (
            "No changes were asked of your group, so there is nothing to review again."
        ),
    }[name]


def _verification_service(name, group, by):
    return {
        "verifikasi": lambda: verification.verify_group(group, by=by),
        "minta-perbaikan": lambda: verification.request_changes(group, "Unggah SK", by=by),
        "tangguhkan": lambda: verification.suspend_group(group, "Laporan pembeli", by=by),
        "aktifkan": lambda: verification.reinstate_group(group, "", by=by),
        "catatan": lambda: verification.add_note(group, "Ditelepon", by=by),
        "tinjau-ulang": lambda: documents.request_review(group),
    }[name]


def _jambi_group(standing):
    verification_state, status = standing
    return GroupFactory(
        programme=Programme.UPPKA,
        province_code="15",
        regency_code="15.71",
        district_code=None,
        verification=verification_state,
        status=status,
    )


@pytest.mark.parametrize("standing", sorted(EVERY), ids=lambda s: f"{s[0]}-{s[1]}")
@pytest.mark.parametrize("name", list(VERIFICATION_SOURCES))
def test_every_verification_move_in_every_state(english, name, standing):
    assert VERIFICATION_FLOW[name].sources == VERIFICATION_SOURCES[name]
    coordinator = CoordinatorFactory(programmes=[Programme.UPPKA], regions=["15"])
    group = _jambi_group(standing)
    db.session.flush()
    move = VERIFICATION_FLOW[name]
    service = _verification_service(name, group, coordinator.user)
    if standing in VERIFICATION_SOURCES[name]:
        service()
        if move.target is not None:
            assert move.target in (group.verification, group.status)
        return
    with pytest.raises(DomainError) as refused:
        service()
    assert str(refused.value.message) == _verification_refusal(name, standing)
    assert (group.verification, group.status) == standing


def test_the_verification_pages_show_the_buttons_of_the_table(client, login_as):
    coordinator = CoordinatorFactory(programmes=[Programme.UPPKA], regions=["15"])
    for standing in sorted(EVERY):
        group = _jambi_group(standing)
        member = MembershipFactory(role=Role.MEMBER, group=group)
        db.session.flush()
        offered = set(VERIFICATION_FLOW.offered(group))

        login_as(coordinator.user)
        html = client.get(f"/koordinator/kelompok/{group.slug}").get_data(as_text=True)
        shown = _buttons(html, r'action="/koordinator/kelompok/[^/]+/([a-z-]+)"')
        assert shown == offered - {"tinjau-ulang"}, standing
        client.post("/keluar")

        login_as(member.user)
        html = client.get(f"/kelola/{group.slug}/verifikasi").get_data(as_text=True)
        assert ("/verifikasi/tinjau-ulang" in html) is ("tinjau-ulang" in offered), standing
        client.post("/keluar")


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
