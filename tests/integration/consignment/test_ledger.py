"""The consignment ledger's sums and reads: what is out at each outlet and
for how long, what is owed and settled (oldest sales first), the WhatsApp
reminder, at a constant number of statements."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from shop.consignment import ledger, reminders, services
from shop.consignment.models import Outlet
from shop.consignment.services import Count, Item
from shop.extensions import db
from tests.factories import OutletFactory
from tests.integration.consignment.helpers import TODAY


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
    link = reminders.reminder_link(group, view, TODAY)
    parts = urlsplit(link)
    assert parts.netloc == "wa.me" and parts.path == "/6281298765432"
    text = parse_qs(parts.query)["text"][0]
    assert "Bu Sari" in text and group.name in text
    assert "Abon Lele (100 g): 5" in text
    outlet.whatsapp = None
    assert reminders.reminder_link(group, view, TODAY) == ""


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
