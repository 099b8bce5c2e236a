"""The group's home page reminds the members of consignment work: outlets
where a visit is due or goods are past their shelf life, each linked."""

from __future__ import annotations

from datetime import timedelta

from shop.catalogue.services import refresh_derived
from shop.consignment import services
from shop.consignment.services import Count, Item
from shop.core.clock import jakarta_today
from shop.extensions import db
from tests.factories import MembershipFactory, OutletFactory, ProductFactory, VariantFactory


def test_home_lists_outlets_to_visit_and_nothing_when_all_is_well(client, login_as, count_queries):
    membership = MembershipFactory()
    group = membership.group
    login_as(membership.user)
    client.get("/bahasa/en")
    product = ProductFactory(group=group, name="Abon Lele", shelf_life_days=5)
    variant = VariantFactory(product=product, stock=30)
    refresh_derived(product)
    today = jakarta_today()
    due = OutletFactory(group=group, name="Warung Bu Tum", visit_every_days=7)
    fresh = OutletFactory(group=group, name="Toko Sumber Rejeki", visit_every_days=7)
    paid_up = OutletFactory(group=group, name="Kantin Bu Yati", visit_every_days=7)
    db.session.flush()
    services.leave_goods(group, due, today - timedelta(days=9), [Item(variant.id, 3, 20000)])
    services.leave_goods(group, fresh, today - timedelta(days=1), [Item(variant.id, 2, 20000)])
    note = services.leave_goods(
        group, paid_up, today - timedelta(days=20), [Item(variant.id, 1, 20000)]
    )
    services.record_visit(
        group, paid_up, today - timedelta(days=19), [Count(note.lines[0].id, sold=1)], 20000
    )
    db.session.flush()

    page = client.get(f"/kelola/{group.slug}").get_data(as_text=True)
    notice = page.split('class="notice notice-warn"', 1)[1].split("</div>", 1)[0]
    assert "Time to visit 1 outlet where you left goods" in notice
    assert f"/kelola/{group.slug}/titip/warung/{due.id}" in notice
    assert "goods past their shelf life" in notice and "visit due since" in notice
    # Left yesterday, or everything sold and paid: nothing to do there.
    assert "Toko Sumber Rejeki" not in notice and "Kantin Bu Yati" not in notice

    for _ in range(5):
        OutletFactory(group=group)
    db.session.flush()
    with count_queries() as few:
        client.get(f"/kelola/{group.slug}")
    for _ in range(10):
        OutletFactory(group=group)
    db.session.flush()
    with count_queries() as many:
        client.get(f"/kelola/{group.slug}")
    assert few.count == many.count


def test_home_has_no_outlet_notice_without_consignment(client, login_as):
    membership = MembershipFactory()
    login_as(membership.user)
    client.get("/bahasa/en")
    page = client.get(f"/kelola/{membership.group.slug}").get_data(as_text=True)
    assert "Time to visit" not in page
