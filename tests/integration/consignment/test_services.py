"""The consignment ledger's writes and sums, one sequence at a time.

What a group sees: leaving goods takes them out of the online stock, a visit
records what sold and came back, money received lowers what the outlet owes,
and a mistake can be taken back; anything that does not add up is refused
with a message and changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import delete, func, update

from shop.catalogue.models import Product, Variant
from shop.catalogue.services import refresh_derived
from shop.consignment import ledger, services
from shop.consignment.models import Consignment, ConsignmentLine, Outlet
from shop.consignment.services import Count, Item
from shop.errors import DomainError
from shop.extensions import db
from tests.factories import GroupFactory, OutletFactory, ProductFactory, VariantFactory

TODAY = date(2026, 11, 23)


@pytest.fixture
def shop(app_ctx):
    group = GroupFactory()
    abon = ProductFactory(group=group, name="Abon Lele", shelf_life_days=30)
    abon_100 = VariantFactory(product=abon, label="100 g", price=25000, stock=10)
    kerupuk = ProductFactory(group=group, name="Kerupuk Lele")
    kerupuk_made = VariantFactory(product=kerupuk, label="250 g", price=15000, stock=None)
    refresh_derived(abon)
    refresh_derived(kerupuk)
    outlet = OutletFactory(group=group, name="Warung Bu Sari", visit_every_days=7)
    db.session.flush()
    return group, outlet, abon_100, kerupuk_made


def stock_of(variant) -> int | None:
    db.session.expire_all()
    return db.session.get(Variant, variant.id).stock


def attempt(action):
    """What a view does: the service in a savepoint, rolled back on refusal."""
    savepoint = db.session.begin_nested()
    try:
        result = action()
    except DomainError:
        savepoint.rollback()
        raise
    savepoint.commit()
    return result


def test_leaving_goods_takes_them_out_of_online_stock(shop):
    group, outlet, abon, kerupuk = shop
    note = services.leave_goods(
        group,
        outlet,
        TODAY - timedelta(days=2),
        [Item(abon.id, 10, 22000), Item(kerupuk.id, 5, 13000)],
        today=TODAY,
    )
    assert note.number.startswith("TJ-") and len(note.number) == 9
    assert stock_of(abon) == 0
    # Nothing left to sell online: the catalogue's ready-stock flag goes off.
    assert db.session.get(Product, abon.product_id).in_stock is False
    assert stock_of(kerupuk) is None  # made to order: no stock to move
    lines = {line.product_name: line for line in note.lines}
    assert lines["Abon Lele"].from_stock and not lines["Kerupuk Lele"].from_stock
    assert lines["Abon Lele"].expires_on == TODAY - timedelta(days=2) + timedelta(days=30)
    assert lines["Kerupuk Lele"].expires_on is None
    assert note.total_value == 10 * 22000 + 5 * 13000
    assert outlet.last_seen_on == TODAY - timedelta(days=2)


def test_leaving_more_than_in_stock_is_refused_and_changes_nothing(shop):
    group, outlet, abon, kerupuk = shop
    with pytest.raises(DomainError) as refused:
        attempt(
            lambda: services.leave_goods(
                group,
                outlet,
                TODAY,
                [Item(kerupuk.id, 3, 13000), Item(abon.id, 11, 22000)],
                today=TODAY,
            )
        )
    assert "10" in str(refused.value.message) and "Abon Lele" in str(refused.value.message)
    assert stock_of(abon) == 10
    assert db.session.query(Consignment).count() == 0


@pytest.mark.parametrize(
    ("items", "day"),
    [
        ([], TODAY),
        ([("abon", 0, 1000)], TODAY),
        ([("abon", 1, -5)], TODAY),
        ([("abon", 2, 1000), ("abon", 1, 2000)], TODAY),
        ([("abon", 1, 1000)], TODAY + timedelta(days=1)),
        ([("abon", 1, 1000)], TODAY - timedelta(days=800)),
        ([("other", 1, 1000)], TODAY),
    ],
)
def test_bad_drop_offs_are_refused(shop, items, day):
    group, outlet, abon, _ = shop
    stranger = VariantFactory(product=ProductFactory(), stock=50)
    ids = {"abon": abon.id, "other": stranger.id}
    with pytest.raises(DomainError):
        attempt(
            lambda: services.leave_goods(
                group, outlet, day, [Item(ids[k], q, p) for k, q, p in items], today=TODAY
            )
        )
    assert stock_of(abon) == 10 and stock_of(stranger) == 50
    assert db.session.query(Consignment).count() == 0


def test_a_visit_counts_sales_returns_and_money(shop):
    group, outlet, abon, kerupuk = shop
    note = services.leave_goods(
        group,
        outlet,
        TODAY - timedelta(days=10),
        [Item(abon.id, 10, 22000), Item(kerupuk.id, 5, 13000)],
        today=TODAY,
    )
    lines = {line.product_name: line for line in note.lines}
    services.record_visit(
        group,
        outlet,
        TODAY - timedelta(days=3),
        [
            Count(lines["Abon Lele"].id, sold=4, restocked=2, written_off=1),
            Count(lines["Kerupuk Lele"].id, sold=5),
        ],
        money_received=50000,
        today=TODAY,
    )
    # 4 × 22.000 + 5 × 13.000 = 153.000 sold; 50.000 paid.
    assert (outlet.sold_value, outlet.received, outlet.owed) == (153000, 50000, 103000)
    assert stock_of(abon) == 2  # the two still good came back
    view = ledger.outlet_ledger(outlet)
    rows = {row.name: row for row in view.rows}
    assert (rows["Abon Lele"].out, rows["Abon Lele"].sold, rows["Abon Lele"].returned) == (3, 4, 3)
    assert rows["Abon Lele"].out_value == 3 * 22000
    assert rows["Kerupuk Lele"].out == 0
    # The 50.000 settles the oldest sales first (both lines are on one note).
    assert rows["Abon Lele"].paid + rows["Kerupuk Lele"].paid == 50000
    assert rows["Abon Lele"].owed + rows["Kerupuk Lele"].owed == 103000
    assert view.out == 3 and view.owed == 103000
    assert outlet.last_seen_on == TODAY - timedelta(days=3)

    # A second visit: the rest sells, paid in two parts.
    services.record_visit(
        group,
        outlet,
        TODAY - timedelta(days=1),
        [Count(lines["Abon Lele"].id, sold=3)],
        money_received=100000,
        today=TODAY,
    )
    services.record_visit(group, outlet, TODAY, [], money_received=69000, today=TODAY)
    assert (outlet.sold_value, outlet.owed) == (153000 + 66000, 0)
    view = ledger.outlet_ledger(outlet)
    assert view.out == 0 and all(row.owed == 0 for row in view.rows)
    assert [v.money_received for v in view.visits] == [69000, 100000, 50000]


def test_a_visit_cannot_count_more_than_is_out_there_or_take_more_than_owed(shop):
    group, outlet, abon, _ = shop
    note = services.leave_goods(group, outlet, TODAY, [Item(abon.id, 4, 20000)], today=TODAY)
    line = note.lines[0]
    with pytest.raises(DomainError) as refused:
        attempt(
            lambda: services.record_visit(
                group, outlet, TODAY, [Count(line.id, sold=3, written_off=2)], today=TODAY
            )
        )
    assert "4" in str(refused.value.message)
    with pytest.raises(DomainError) as refused:
        attempt(
            lambda: services.record_visit(
                group, outlet, TODAY, [Count(line.id, sold=1)], money_received=20001, today=TODAY
            )
        )
    assert refused.value.field == "money_received"
    with pytest.raises(DomainError):
        attempt(
            lambda: services.record_visit(
                group, outlet, TODAY - timedelta(days=1), [Count(line.id, sold=1)], today=TODAY
            )
        )
    with pytest.raises(DomainError):
        attempt(
            lambda: services.record_visit(
                group, outlet, TODAY, [Count(line.id, sold=-1, restocked=2)], today=TODAY
            )
        )
    db.session.expire_all()
    assert (line.sold, line.restocked, line.written_off) == (0, 0, 0)
    assert (outlet.sold_value, outlet.received) == (0, 0)
    assert stock_of(abon) == 6


def test_a_line_of_another_outlet_is_refused(shop):
    group, outlet, abon, _ = shop
    other = OutletFactory(group=group)
    note = services.leave_goods(group, other, TODAY, [Item(abon.id, 2, 20000)], today=TODAY)
    with pytest.raises(DomainError):
        services.record_visit(group, outlet, TODAY, [Count(note.lines[0].id, sold=1)], today=TODAY)


def test_the_latest_visit_can_be_taken_back(shop):
    group, outlet, abon, _ = shop
    note = services.leave_goods(
        group, outlet, TODAY - timedelta(days=5), [Item(abon.id, 6, 20000)], today=TODAY
    )
    line = note.lines[0]
    first = services.record_visit(
        group, outlet, TODAY - timedelta(days=2), [Count(line.id, sold=2)], 10000, today=TODAY
    )
    second = services.record_visit(
        group, outlet, TODAY, [Count(line.id, sold=1, restocked=2)], 30000, today=TODAY
    )
    assert stock_of(abon) == 6
    with pytest.raises(DomainError):
        services.undo_visit(first)
    services.undo_visit(second)
    db.session.expire_all()
    assert (line.sold, line.restocked, line.out) == (2, 0, 4)
    assert (outlet.sold_value, outlet.received) == (40000, 10000)
    assert stock_of(abon) == 4
    assert outlet.last_seen_on == TODAY - timedelta(days=2)


def test_undo_is_refused_when_the_returned_goods_sold_online_since(shop):
    group, outlet, abon, _ = shop
    note = services.leave_goods(group, outlet, TODAY, [Item(abon.id, 10, 20000)], today=TODAY)
    visit = services.record_visit(
        group, outlet, TODAY, [Count(note.lines[0].id, restocked=3)], today=TODAY
    )
    db.session.get(Variant, abon.id).stock = 1  # two of the three sold online
    db.session.flush()
    with pytest.raises(DomainError):
        attempt(lambda: services.undo_visit(visit))
    assert stock_of(abon) == 1


def test_a_note_can_be_cancelled_until_something_on_it_is_counted(shop):
    group, outlet, abon, _ = shop
    wrong = services.leave_goods(group, outlet, TODAY, [Item(abon.id, 8, 20000)], today=TODAY)
    services.cancel_consignment(wrong)
    assert stock_of(abon) == 10 and outlet.last_seen_on is None
    note = services.leave_goods(group, outlet, TODAY, [Item(abon.id, 3, 20000)], today=TODAY)
    services.record_visit(
        group, outlet, TODAY, [Count(note.lines[0].id, written_off=1)], today=TODAY
    )
    with pytest.raises(DomainError):
        services.cancel_consignment(note)


def test_an_outlet_is_archived_only_when_nothing_is_out_or_owed(shop):
    group, outlet, abon, _ = shop
    note = services.leave_goods(group, outlet, TODAY, [Item(abon.id, 1, 20000)], today=TODAY)
    with pytest.raises(DomainError):
        services.archive_outlet(outlet)
    services.record_visit(group, outlet, TODAY, [Count(note.lines[0].id, sold=1)], today=TODAY)
    with pytest.raises(DomainError) as refused:
        services.archive_outlet(outlet)
    assert "20.000" in str(refused.value.message)
    services.record_visit(group, outlet, TODAY, [], money_received=20000, today=TODAY)
    services.archive_outlet(outlet)
    with pytest.raises(DomainError):
        services.leave_goods(group, outlet, TODAY, [Item(abon.id, 1, 20000)], today=TODAY)


def test_group_ledger_flags_old_and_expired_goods_and_due_visits(shop, count_queries):
    group, outlet, abon, kerupuk = shop
    quiet = OutletFactory(group=group, name="Toko Pak Budi")
    services.leave_goods(
        group, outlet, TODAY - timedelta(days=40), [Item(abon.id, 3, 20000)], today=TODAY
    )
    services.leave_goods(
        group, outlet, TODAY - timedelta(days=2), [Item(kerupuk.id, 4, 12000)], today=TODAY
    )
    for _ in range(3):
        OutletFactory(group=group)
    db.session.flush()
    with count_queries() as q:
        view = ledger.group_ledger(group)
        [(entry.outlet.place, entry.out) for entry in view.outlets]
    assert q.count == 1
    by_name = {entry.outlet.name: entry for entry in view.outlets}
    sari = by_name["Warung Bu Sari"]
    assert (sari.out, sari.out_value) == (7, 3 * 20000 + 4 * 12000)
    assert sari.freshness.days_out(TODAY) == 40
    assert sari.freshness.expired(TODAY)  # 30 days of shelf life, left 40 days ago
    assert sari.visit_due_on() == TODAY - timedelta(days=2) + timedelta(days=7)
    assert not sari.visit_due(TODAY) and sari.visit_due(TODAY + timedelta(days=5))
    assert by_name[quiet.name].out == 0 and by_name[quiet.name].visit_due_on() is None
    assert view.out == 7


def test_reminder_link_lists_what_is_out_there_in_indonesian(shop, app):
    group, outlet, abon, _ = shop
    services.leave_goods(
        group, outlet, TODAY - timedelta(days=8), [Item(abon.id, 5, 20000)], today=TODAY
    )
    view = ledger.outlet_ledger(outlet)
    link = ledger.reminder_link(group, view, TODAY)
    parts = urlsplit(link)
    assert parts.netloc == "wa.me" and parts.path == "/6281298765432"
    text = parse_qs(parts.query)["text"][0]
    assert "Bu Sari" in text and group.name in text
    assert "Abon Lele (100 g): 5" in text
    outlet.whatsapp = None
    assert ledger.reminder_link(group, view, TODAY) == ""


def test_allocation_settles_oldest_sales_first():
    assert ledger.allocate(50, [30, 0, 40]) == [30, 0, 20]
    assert ledger.allocate(0, [10]) == [0]
    assert ledger.allocate(100, [10, 20]) == [10, 20]


def test_outlet_ledger_runs_the_same_statements_whatever_its_history(shop, count_queries):
    group, outlet, abon, kerupuk = shop

    def statements():
        db.session.expire_all()
        fresh = db.session.get(Outlet, outlet.id)
        with count_queries() as q:
            view = ledger.outlet_ledger(fresh)
            [(v.sold_value, [e.line.product_name for e in v.lines]) for v in view.visits]
            [(c.number, c.total_value) for c in view.consignments]
        return q.count

    note = services.leave_goods(
        group, outlet, TODAY - timedelta(days=9), [Item(abon.id, 2, 1000)], today=TODAY
    )
    services.record_visit(
        group, outlet, TODAY - timedelta(days=8), [Count(note.lines[0].id, sold=1)], today=TODAY
    )
    small = statements()
    for days in range(7, 0, -1):
        n = services.leave_goods(
            group,
            outlet,
            TODAY - timedelta(days=days),
            [Item(abon.id, 1, 1000), Item(kerupuk.id, 2, 500)],
            today=TODAY,
        )
        services.record_visit(
            group,
            outlet,
            TODAY - timedelta(days=days),
            [Count(line.id, sold=1) for line in n.lines],
            today=TODAY,
        )
    assert statements() == small


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


def test_a_visit_can_be_taken_back_after_the_variant_became_made_to_order(shop):
    group, outlet, abon, _ = shop
    note = services.leave_goods(group, outlet, TODAY, [Item(abon.id, 4, 20000)], today=TODAY)
    visit = services.record_visit(
        group, outlet, TODAY, [Count(note.lines[0].id, sold=1, restocked=2)], today=TODAY
    )
    db.session.get(Variant, abon.id).stock = None  # the group now makes it to order
    db.session.flush()
    services.undo_visit(visit)
    db.session.expire_all()
    line = note.lines[0]
    assert (line.sold, line.restocked, line.out) == (0, 0, 4)
    assert stock_of(abon) is None
