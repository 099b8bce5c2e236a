"""What buyers and groups see of a coordinator's decision: a suspended group
leaves the public site while its orders go on; verified groups carry a badge
without costing the list pages a query."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.catalogue.services import refresh_derived
from shop.extensions import db
from shop.groups.models import GroupStatus, Role, Verification
from shop.orders.models import Order, OrderStatus
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    ProductFactory,
    VariantFactory,
    make_order,
)

BADGE = '<span aria-hidden="true">✓</span> Verified'


def public_product(group, name):
    product = ProductFactory(group=group, name=name)
    variant = VariantFactory(product=product, stock=10)
    refresh_derived(product)
    return product, variant


def add_to_cart(client, variant):
    return client.open(
        "/keranjang/tambah",
        method="POST",
        data={"variant": str(variant.id), "quantity": "1"},
        headers={"Origin": "http://localhost"},
        follow_redirects=True,
    )


@pytest.fixture
def shop(client, as_coordinator, jambi_uppka, group_in_scope):
    """A group in scope with a product and an open order, and a coordinator signed in."""
    product, variant = public_product(group_in_scope, "Kerupuk Lele Tangguh")
    order = make_order(group_in_scope, lines=[(variant, 25000, 2)])
    as_coordinator(jambi_uppka)
    client.get("/bahasa/en")
    return group_in_scope, product, variant, order


def test_suspended_group_and_its_products_leave_the_public_site(app, client, shop):
    group, product, variant, _order = shop
    visitor = app.test_client()
    pages = {
        "catalogue": "/katalog",
        "search": "/katalog?q=tangguh",
        "directory": "/kelompok",
        "home": "/",
    }
    # Before: visible everywhere (and now cached for anonymous visitors).
    for name, url in pages.items():
        body = visitor.get(url).get_data(as_text=True)
        shown = group.name if name == "directory" else "Kerupuk Lele Tangguh"
        assert shown in body, name
    assert visitor.get(f"/k/{group.slug}").status_code == 200
    assert visitor.get(f"/k/{group.slug}/{product.slug}").status_code == 200

    response = client.post(
        f"/koordinator/kelompok/{group.slug}/tangguhkan",
        data={"suspend-reason": "Izin PIRT tidak sah."},
    )
    assert response.status_code == 303

    for name, url in pages.items():
        body = visitor.get(url).get_data(as_text=True)
        assert "Kerupuk Lele Tangguh" not in body, name
        assert group.name not in body, name
    assert visitor.get(f"/k/{group.slug}").status_code == 404
    assert visitor.get(f"/k/{group.slug}/{product.slug}").status_code == 404
    visitor.get("/bahasa/en")
    page = add_to_cart(visitor, variant).get_data(as_text=True)
    assert "This product is not for sale online." in page
    assert visitor.get("/keranjang").get_data(as_text=True).count("Kerupuk Lele Tangguh") == 0


def test_a_suspended_groups_open_orders_continue(app, client, login_as, shop):
    group, _product, _variant, order = shop
    client.post(
        f"/koordinator/kelompok/{group.slug}/tangguhkan",
        data={"suspend-reason": "Izin PIRT tidak sah."},
    )
    db.session.refresh(group)
    assert group.status is GroupStatus.SUSPENDED

    # The buyer still follows the order.
    buyer = app.test_client()
    tracking = buyer.get(f"/lacak/{order.number}/{order.tracking_token}")
    assert tracking.status_code == 200
    assert order.number in tracking.get_data(as_text=True)

    # The group still opens its inbox and confirms the order.
    client.post("/keluar")
    member = MembershipFactory(group=group, role=Role.MEMBER)
    login_as(member.user)
    client.get("/bahasa/en")
    inbox = client.get(f"/kelola/{group.slug}/pesanan").get_data(as_text=True)
    assert order.number in inbox
    assert "Suspended" in inbox  # the status line in the group's nav
    detail = client.get(f"/kelola/{group.slug}/pesanan/{order.number}")
    assert detail.status_code == 200
    response = client.post(f"/kelola/{group.slug}/pesanan/{order.number}/konfirmasi")
    assert response.status_code in (302, 303)
    confirmed = db.session.scalar(select(Order).where(Order.id == order.id))
    assert confirmed.status is OrderStatus.CONFIRMED
    # And its verification page says why, and that orders continue.
    page = client.get(f"/kelola/{group.slug}/verifikasi").get_data(as_text=True)
    assert "Izin PIRT tidak sah." in page
    assert "Orders already placed continue" in page


def test_badge_on_group_page_group_cards_and_product_cards_only_for_verified_groups(client):
    client.get("/bahasa/en")
    verified = GroupFactory(name="Kelompok Terpercaya", verification=Verification.VERIFIED)
    plain = GroupFactory(name="Kelompok Biasa")
    public_product(verified, "Abon Terpercaya")
    public_product(plain, "Abon Biasa")

    def card(body: str, name: str) -> str:
        start = body.index(name)
        return body[start : body.index("</li>", start)]

    assert BADGE in client.get(f"/k/{verified.slug}").get_data(as_text=True)
    assert BADGE not in client.get(f"/k/{plain.slug}").get_data(as_text=True)
    directory = client.get("/kelompok").get_data(as_text=True)
    assert BADGE in card(directory, "Kelompok Terpercaya")
    assert BADGE not in card(directory, "Kelompok Biasa")
    catalogue = client.get("/katalog").get_data(as_text=True)
    assert BADGE in card(catalogue, "Abon Terpercaya")
    assert BADGE not in card(catalogue, "Abon Biasa")


def test_badges_cost_the_list_pages_no_query(app, client, count_queries):
    """The badge reads the group row the cards already join: the list pages
    run as many statements with verified groups as without."""
    groups = [GroupFactory() for _ in range(4)]
    for n, group in enumerate(groups):
        public_product(group, f"Produk Lencana {n}")
    urls = ["/katalog", "/kelompok", "/", "/katalog?q=lencana", f"/k/{groups[0].slug}"]
    app.config["TESTING_NO_PAGE_CACHE"] = True
    try:
        before = {}
        for url in urls:
            with count_queries() as q:
                assert client.get(url).status_code == 200
            before[url] = q.count
        for group in groups:
            group.verification = Verification.VERIFIED
        db.session.flush()
        for url in urls:
            with count_queries() as q:
                body = client.get(url).get_data(as_text=True)
            assert q.count == before[url], (url, q.statements)
            assert "✓" in body, url
    finally:
        app.config["TESTING_NO_PAGE_CACHE"] = False
