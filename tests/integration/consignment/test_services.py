"""The consignment ledger's writes, one sequence at a time.

What a group sees: leaving goods takes them out of the online stock, a visit
records what sold and came back, money received lowers what the outlet owes,
and a mistake can be taken back; anything that does not add up is refused
with a message and changes nothing. The sums the ledger shows are in
test_ledger.py; writes on an object another request changed since it was
loaded are in test_stale_reads.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from shop.catalogue.models import Product, Variant
from shop.consignment import ledger, services
from shop.consignment.models import Consignment
from shop.consignment.services import Count, Item
from shop.errors import DomainError
from shop.extensions import db
from tests.factories import OutletFactory, ProductFactory, VariantFactory
from tests.integration.consignment.helpers import TODAY, attempt, stock_of


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
