"""Another group's outlet, note or visit is a 404; hostile text is shown as
text; the ledger pages run the same number of statements however much
history there is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from shop.consignment import services
from shop.consignment.models import Consignment, Outlet, Visit
from shop.consignment.services import Count, Item
from shop.core.clock import jakarta_today
from shop.extensions import db
from tests.factories import OutletFactory, ProductFactory, VariantFactory
from tests.functional.consignment.test_flow import OUTLET


@pytest.fixture
def theirs(other_group):
    """Another group's outlet with a counted note and a visit."""
    variant = VariantFactory(product=ProductFactory(group=other_group), stock=10)
    outlet = OutletFactory(group=other_group)
    today = jakarta_today()
    note = services.leave_goods(other_group, outlet, today, [Item(variant.id, 3, 1000)])
    visit = services.record_visit(
        other_group, outlet, today, [Count(note.lines[0].id, sold=1)], money_received=1000
    )
    db.session.flush()
    return outlet, note, visit


def test_another_groups_things_are_404(client, group, outlet, other_group, theirs):
    their_outlet, their_note, their_visit = theirs
    mine = f"/kelola/{group.slug}/titip"
    for url in [
        f"{mine}/warung/{their_outlet.id}",
        f"{mine}/warung/{their_outlet.id}/ubah",
        f"{mine}/warung/{their_outlet.id}/titip",
        f"{mine}/warung/{their_outlet.id}/kunjungan",
        f"{mine}/warung/999999",
        f"/kelola/{other_group.slug}/titip",
        f"/kelola/{other_group.slug}/titip/warung/{their_outlet.id}",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        f"{mine}/warung/{their_outlet.id}/ubah",
        f"{mine}/warung/{their_outlet.id}/arsip",
        f"{mine}/warung/{their_outlet.id}/pulihkan",
        f"{mine}/warung/{their_outlet.id}/titip",
        f"{mine}/warung/{their_outlet.id}/kunjungan",
        f"{mine}/warung/{their_outlet.id}/kunjungan/{their_visit.id}/batal",
        # Their visit through my outlet: still not mine.
        f"{mine}/warung/{outlet.id}/kunjungan/{their_visit.id}/batal",
        f"{mine}/nota/{their_note.number}/batal",
        f"{mine}/nota/{'X' * 300}/batal",
        f"/kelola/{other_group.slug}/titip/warung/baru",
    ]:
        assert client.post(url, data=OUTLET).status_code == 404, url
    db.session.expire_all()
    assert db.session.get(Visit, their_visit.id) is not None
    assert db.session.get(Consignment, their_note.id) is not None
    assert db.session.get(Outlet, their_outlet.id).name != OUTLET["name"]
    # Their outlet is not on my overview.
    assert their_outlet.name not in client.get(mine).get_data(as_text=True)


def test_a_post_without_the_csrf_token_is_refused(client, group, outlet):
    url = f"/kelola/{group.slug}/titip/warung/{outlet.id}/arsip"
    assert client.post(url, csrf=False).status_code == 400
    db.session.expire_all()
    assert outlet.archived_at is None


HOSTILE = "<script>alert(1)</script> Warung 🌶️ \u202eRTL\u202c <b>x</b>"


def test_hostile_text_is_escaped_and_limited(client, group, abon):
    base = f"/kelola/{group.slug}/titip"
    response = client.post(
        f"{base}/warung/baru",
        data={
            **OUTLET,
            "name": HOSTILE,
            "owner_name": HOSTILE,
            "address": HOSTILE * 5,
        },
    )
    assert response.status_code == 302
    outlet = db.session.scalar(select(Outlet).where(Outlet.group_id == group.id))
    today = jakarta_today().isoformat()
    response = client.post(
        f"{base}/warung/{outlet.id}/titip",
        data={
            "left_on": today,
            f"item-{abon.id}-quantity": "2",
            f"item-{abon.id}-unit_price": "20000",
            "note": HOSTILE,
        },
    )
    assert response.status_code == 302
    line = db.session.scalar(select(Consignment).where(Consignment.outlet_id == outlet.id)).lines[0]
    response = client.post(
        f"{base}/warung/{outlet.id}/kunjungan",
        data={"visited_on": today, f"line-{line.id}-sold": "1", "note": HOSTILE},
    )
    assert response.status_code == 302
    for url in [
        base,
        f"{base}/warung/{outlet.id}",
        f"{base}/warung/{outlet.id}/ubah",
        f"{base}/warung/{outlet.id}/titip",
        f"{base}/warung/{outlet.id}/kunjungan",
    ]:
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in html, url
        assert "<b>x</b>" not in html, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(
        f"{base}/warung/{outlet.id}"
    ).get_data(as_text=True)
    # Control characters (the RTL override) are dropped, emoji kept.
    db.session.expire_all()
    assert "\u202e" not in outlet.name and "🌶" in outlet.name

    # Too long: a message, not a 500.
    page = client.post(
        f"{base}/warung/{outlet.id}/ubah", data={**OUTLET, "owner_name": "x" * 10_000}
    )
    assert page.status_code == 200
    assert "Use at most 120 characters." in page.get_data(as_text=True)
    page = client.post(
        f"{base}/warung/{outlet.id}/kunjungan", data={"visited_on": today, "note": "x" * 5000}
    )
    assert "Use at most 1000 characters." in page.get_data(as_text=True)


def _grow(group, abon, outlets: int, start: int = 0):
    today = jakarta_today()
    for i in range(start, start + outlets):
        outlet = OutletFactory(group=group, name=f"Warung {i:02d}", visit_every_days=1 + i % 3)
        # Every third outlet had goods left 5 days ago: a visit is due unless
        # it was visited today (the odd ones).
        left_on = today - timedelta(days=5) if i % 3 == 0 else today
        note = services.leave_goods(group, outlet, left_on, [Item(abon.id, 1, 20000)])
        if i % 2:
            services.record_visit(
                group, outlet, today, [Count(note.lines[0].id, sold=1)], money_received=5000
            )
    db.session.flush()


def test_overview_statements_do_not_grow_with_outlets(client, group, count_queries):
    product = ProductFactory(group=group, name="Abon", shelf_life_days=2)
    abon = VariantFactory(product=product, stock=1000)
    db.session.flush()

    def statements() -> int:
        with count_queries() as counter:
            assert client.get(f"/kelola/{group.slug}/titip").status_code == 200
        return counter.count

    _grow(group, abon, 2)
    few = statements()
    _grow(group, abon, 10, start=2)
    many = statements()
    html = client.get(f"/kelola/{group.slug}/titip").get_data(as_text=True)
    assert html.count('class="outlet-card') == 12
    assert html.count('href="https://wa.me/') == 2  # outlets 0 and 6
    assert many == few


def test_outlet_page_statements_do_not_grow_with_history(
    client, group, outlet, abon, kerupuk, count_queries
):
    url = f"/kelola/{group.slug}/titip/warung/{outlet.id}"

    def statements() -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    today = jakarta_today()

    def visit_once():
        note = services.leave_goods(
            group, outlet, today, [Item(abon.id, 1, 20000), Item(kerupuk.id, 2, 10000)]
        )
        services.record_visit(
            group,
            outlet,
            today,
            [Count(note.lines[0].id, sold=1), Count(note.lines[1].id, written_off=1)],
            money_received=10000,
        )
        db.session.flush()

    visit_once()
    few = statements()
    for _ in range(6):
        visit_once()
    many = statements()
    assert many == few
    # And the visit form, whose rows are the open lines.
    with count_queries() as counter:
        client.get(f"{url}/kunjungan")
    one = counter.count
    visit_once()
    with count_queries() as counter:
        client.get(f"{url}/kunjungan")
    assert counter.count == one


def test_undo_visit_statements_do_not_grow_with_its_lines(client, group, outlet, count_queries):
    """Taking back a visit reads its lines (and whether their variants still
    keep stock) at once, not one line at a time: what grows with the lines is
    the writes, two per line (its stock taken again, its counters put back)."""
    today = jakarta_today()
    base = f"/kelola/{group.slug}/titip/warung/{outlet.id}"

    def visit_with(lines: int) -> int:
        variants = [
            VariantFactory(product=ProductFactory(group=group), stock=10) for _ in range(lines)
        ]
        db.session.flush()
        note = services.leave_goods(group, outlet, today, [Item(v.id, 3, 1000) for v in variants])
        visit = services.record_visit(
            group, outlet, today, [Count(line.id, sold=1, restocked=1) for line in note.lines]
        )
        db.session.flush()
        return visit.id

    def statements(visit_id: int) -> int:
        token = client.csrf_token()
        with count_queries() as counter:
            response = client.post(f"{base}/kunjungan/{visit_id}/batal", data={"csrf_token": token})
            assert response.status_code == 302
        return counter.count

    few = statements(visit_with(1))
    many = statements(visit_with(5))
    assert db.session.scalar(select(Visit).where(Visit.outlet_id == outlet.id)) is None
    assert many == few + 2 * 4
