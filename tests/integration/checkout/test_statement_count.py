"""A guest's 3-group order, placed through the checkout page, in a bounded
number of SQL statements (the place-order POST only; the redirect's page is
not counted)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import request_finished
from sqlalchemy import func, select

from shop.catalogue.models import Variant
from shop.catalogue.services import refresh_derived
from shop.extensions import db
from shop.notify.models import OutboxMessage
from shop.notify.push import generate_vapid_keys
from shop.orders.models import Order, OrderEvent, OrderLine
from shop.regions.queries import districts_of, regencies_of
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    ProductFactory,
    PushSubscriptionFactory,
    UserFactory,
    VariantFactory,
)

ORIGIN = {"Origin": "http://localhost"}
MAX_STATEMENTS = 15


def field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    assert match, name
    return match.group(1).replace("&#34;", '"')


@pytest.fixture
def three_groups():
    """Three groups with a member who reads email; tracked and untracked
    stock, two lines in the first group."""
    groups, variants = [], []
    for n, (price, stock) in enumerate([(25000, 10), (150000, None), (12000, 7)]):
        group = GroupFactory(
            name=f"Kelompok Hitung {n}", offers_local_delivery=True, local_delivery_fee=5000
        )
        MembershipFactory(group=group, user=UserFactory(email=f"ketua{n}@example.id"))
        product = ProductFactory(group=group, name=f"Produk {n}")
        variants.append(VariantFactory(product=product, price=price, stock=stock))
        if n == 0:
            variants.append(VariantFactory(product=product, price=30000, stock=4, label="Besar"))
        refresh_derived(product)
        groups.append(group)
    db.session.commit()
    return groups, variants


def test_a_three_group_order_takes_at_most_15_statements(app, client, three_groups, count_queries):
    statements = _place(app, client, three_groups, count_queries)
    # Every message in one INSERT: the members' emails and the buyer's.
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 6
    assert sum(s.lstrip().startswith("INSERT INTO outbox_message") for s in statements) == 1


def test_whatsapp_alerts_add_no_statement(app, client, three_groups, count_queries, monkeypatch):
    """With WhatsApp on, each group's number (verified) and its ketua (a
    verified number) hear of the order too, in the same one INSERT."""
    monkeypatch.setitem(app.config, "WHATSAPP_BACKEND", "log")
    for group in three_groups[0]:
        group.memberships[0].user.phone_verified_at = datetime(2026, 11, 1, tzinfo=UTC)
        group.whatsapp_verified_at = datetime(2026, 11, 1, tzinfo=UTC)
    db.session.commit()
    statements = _place(app, client, three_groups, count_queries)
    channels = db.session.scalars(select(OutboxMessage.channel)).all()
    assert sorted(channels) == ["email"] * 6 + ["whatsapp"] * 6
    assert sum(s.lstrip().startswith("INSERT INTO outbox_message") for s in statements) == 1


def test_push_alerts_add_no_statement(app, client, three_groups, count_queries, monkeypatch):
    """With web push on, each ketua's two browsers hear of the order too:
    their subscriptions come with the members' read, their notifications
    ride in the same one INSERT."""
    private, public = generate_vapid_keys()
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", private)
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", public)
    for group in three_groups[0]:
        for n in range(2):
            PushSubscriptionFactory(
                user=group.memberships[0].user,
                endpoint=f"https://push.example.test/{group.id}/{n}",
            )
    db.session.commit()
    statements = _place(app, client, three_groups, count_queries)
    channels = db.session.scalars(select(OutboxMessage.channel)).all()
    assert sorted(channels) == ["email"] * 6 + ["push"] * 6
    assert sum(s.lstrip().startswith("INSERT INTO outbox_message") for s in statements) == 1


def _place(app, client, three_groups, count_queries) -> list[str]:
    """Place the order of every group through the page; the POST's statements."""
    groups, variants = three_groups
    group_ids, variant_ids = [g.id for g in groups], [v.id for v in variants]
    for variant in variants:
        added = client.post(
            "/keranjang/tambah",
            data={"variant": str(variant.id), "quantity": "2"},
            headers=ORIGIN,
            csrf=False,
        )
        assert added.status_code == 302
    page = client.get("/checkout").get_data(as_text=True)
    payments = ["transfer", "cash", "transfer"]
    form = {
        "csrf_token": field(page, "csrf_token"),
        "cart_id": field(page, "cart_id"),
        "cart_version": field(page, "cart_version"),
        "quoted": field(page, "quoted"),
        "name": "Bu Ani",
        "phone": "0812-3456-7890",
        "email": "ani@example.id",
        "province": "15",
        "regency": "15.71",
        "address": "Jl. Kenanga 5",
    }
    for group, payment in zip(groups, payments, strict=True):
        form[f"delivery-{group.id}"] = "local" if payment == "transfer" else "pickup"
        form[f"payment-{group.id}"] = payment

    # The regions of the address are read once per process (cached).
    regencies_of("15"), districts_of("15.71")
    # Counted until the answer is ready: after it, without a job queue, this
    # process delivers the outbox (notify's statements, not the POST's).
    answered = []

    def on_answer(sender, response, **extra):
        answered.append(counted.count)

    with count_queries() as counted, request_finished.connected_to(on_answer, app):
        response = client.post("/checkout", data=form)
    assert response.status_code == 303
    statements = counted.statements[: answered[0]]
    listing = "\n".join(f"{n:2d}. {s.strip()[:160]}" for n, s in enumerate(statements, 1))
    print(f"\n{len(statements)} statements:\n{listing}")

    # The same result as ever: three orders, four lines, stock taken, one
    # event per order, the buyer and each group's member told.
    orders = db.session.scalars(select(Order).order_by(Order.id)).all()
    assert [o.group_id for o in orders] == group_ids
    assert db.session.scalar(select(func.count()).select_from(OrderLine)) == 4
    assert db.session.scalar(select(func.count()).select_from(OrderEvent)) == 3
    assert [db.session.get(Variant, v).stock for v in variant_ids] == [8, 2, None, 5]
    assert orders[0].subtotal == 2 * 25000 + 2 * 30000 and orders[1].unique_code == 0
    assert all(1 <= orders[i].unique_code < 500 for i in (0, 2))

    assert len(statements) <= MAX_STATEMENTS, listing
    return statements
