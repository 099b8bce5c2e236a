"""Order alerts on WhatsApp, through the real Cloud API client against the fake
Graph API: a new order, a transfer proof, a payment and a cancellation reach the
group's number and the members who chose them, each number once, never a
member who did not; a refused delivery is retried and the order stays. The
buyer who gave a mobile number hears of each step after placing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from shop.catalogue.services import refresh_derived
from shop.extensions import db
from shop.groups.alert_choices import set_alert_choices
from shop.groups.models import AlertChannel, AlertKind, Role
from shop.notify.delivery import BACKOFF, deliver_due
from shop.notify.models import OutboxMessage, OutboxStatus
from shop.orders import services as orders
from shop.orders.models import Order, OrderStatus
from shop.payments.transfer import record_proof
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
)
from tests.functional.checkout.test_cart_and_checkout import ORIGIN, add, field

GROUP_NUMBER = "+6281277778888"
VERIFIED = datetime(2026, 11, 1, tzinfo=UTC)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def member(group, role: Role, phone: str, *, verified: bool = True, email: str | None = None):
    user = UserFactory(phone=phone, email=email, phone_verified_at=VERIFIED if verified else None)
    return MembershipFactory(group=group, user=user, role=role)


@pytest.fixture
def shop_group():
    """A group with its own verified WhatsApp number and five members: the ketua
    (every alert by default), a member who opted in to new orders and
    payments, one who did not, one whose number is the group's, opted in,
    and a ketua whose number was never verified."""
    group = GroupFactory(
        name="Kelompok Abon Jambi",
        whatsapp=GROUP_NUMBER,
        whatsapp_verified_at=VERIFIED,
        pickup_address="Jl. Kapten Pattimura 7\nKota Jambi",
    )
    product = ProductFactory(group=group, name="Abon Lele")
    variant = VariantFactory(product=product, price=25000, stock=10)
    refresh_derived(product)
    people = {
        "ketua": member(group, Role.LEADER, "+6281311110001"),
        "in": member(group, Role.MEMBER, "+6281311110002"),
        "out": member(group, Role.MEMBER, "+6281311110003"),
        "same": member(group, Role.MEMBER, GROUP_NUMBER),
        "unverified": member(group, Role.LEADER, "+6281311110005", verified=False),
    }
    set_alert_choices(people["in"], AlertChannel.WHATSAPP, [AlertKind.NEW_ORDER, AlertKind.PAID])
    set_alert_choices(people["same"], AlertChannel.WHATSAPP, list(AlertKind))
    db.session.commit()
    return group, variant, people


def checkout(client, group, variant, payment: str = "transfer", phone="0812-3456-7890") -> Order:
    add(client, variant, 2, **ORIGIN)
    page = client.get("/checkout").get_data(as_text=True)
    placed = client.post(
        "/checkout",
        data={
            "cart_id": field(page, "cart_id"),
            "cart_version": field(page, "cart_version"),
            "quoted": field(page, "quoted"),
            "name": "Bu Ani",
            "phone": phone,
            "province": "15",
            "regency": "15.71",
            f"delivery-{group.id}": "pickup",
            f"payment-{group.id}": payment,
        },
    )
    assert placed.status_code == 303
    return db.session.scalars(
        select(Order).where(Order.group_id == group.id).order_by(Order.id.desc()).limit(1)
    ).one()


def sent_to(graph_api, template: str) -> list[str]:
    return [
        "+" + m["to"] for m in graph_api.messages if m["template"]["name"] == f"etalase_{template}"
    ]


def body_params(graph_api, template: str) -> list[list[str]]:
    return [
        [p["text"] for p in m["template"]["components"][0]["parameters"]]
        for m in graph_api.messages
        if m["template"]["name"] == f"etalase_{template}"
    ]


def test_a_new_order_reaches_the_groups_number_and_opted_in_members_once(
    client, graph_api, shop_group
):
    group, variant, people = shop_group
    order = checkout(client, group, variant)
    deliver_due()

    # The group's number once (the member whose number it is gets no second
    # copy), the ketua by default, the member who opted in; not the member
    # who did not, nor an unverified number.
    assert sorted(sent_to(graph_api, "group_new_order")) == sorted(
        [GROUP_NUMBER, "+6281311110001", "+6281311110002"]
    )
    total = f"Rp{order.total:,}".replace(",", ".")
    for params in body_params(graph_api, "group_new_order"):
        assert params[:4] == [order.number, "Kelompok Abon Jambi", "Bu Ani", total]
        assert params[4].endswith(f"/kelola/{group.slug}/pesanan/{order.number}")
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "group_new_order")
    ).all()
    assert {row.status for row in rows} == {OutboxStatus.SENT} and len(rows) == 3
    assert order.number in rows[0].body_text


def test_a_refused_delivery_is_retried_and_the_order_stays_placed(
    client, graph_api, shop_group, clock
):
    group, variant, _ = shop_group
    graph_api.fail(3, status=500)  # Meta is down for the first three messages
    order = checkout(client, group, variant)
    deliver_due()

    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.PLACED
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "group_new_order")
    ).all()
    assert [row.status for row in rows] == [OutboxStatus.PENDING] * 3
    assert all("HTTP 500" in row.last_error for row in rows)
    assert sent_to(graph_api, "group_new_order") == []

    assert deliver_due() == (0, 0, 0)  # not before their time
    clock.shift(BACKOFF[0])
    assert deliver_due() == (3, 0, 0)
    assert sorted(sent_to(graph_api, "group_new_order")) == sorted(
        [GROUP_NUMBER, "+6281311110001", "+6281311110002"]
    )
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.PLACED


def test_proof_payment_and_cancellation_follow_each_members_choice(client, graph_api, shop_group):
    group, variant, people = shop_group
    order = checkout(client, group, variant)
    orders.confirm_order(order, None, by=people["ketua"].user)
    db.session.commit()
    deliver_due()
    graph_api.reset()

    record_proof(order, PNG)
    db.session.commit()
    deliver_due()
    # The member who opted in to new orders and payments only hears nothing.
    assert sorted(sent_to(graph_api, "group_proof_sent")) == sorted(
        [GROUP_NUMBER, "+6281311110001"]
    )

    orders.mark_paid(order, by=people["ketua"].user, repeat=False)
    db.session.commit()
    deliver_due()
    # The ketua marked it paid: no alert of their own act; the others chose it.
    assert sorted(sent_to(graph_api, "group_paid")) == sorted([GROUP_NUMBER, "+6281311110002"])

    orders.cancel_order(order, "Stok habis terbakar", by=None)
    db.session.commit()
    deliver_due()
    assert sorted(sent_to(graph_api, "group_cancelled")) == sorted([GROUP_NUMBER, "+6281311110001"])
    for params in body_params(graph_api, "group_cancelled"):
        assert params[0] == order.number and params[3] == "Stok habis terbakar"
    # Nobody heard any alert twice.
    recipients = [(m["template"]["name"], m["to"]) for m in graph_api.messages]
    assert len(recipients) == len(set(recipients))


def test_a_member_who_opts_out_hears_nothing(client, graph_api, shop_group):
    group, variant, people = shop_group
    set_alert_choices(people["ketua"], AlertChannel.WHATSAPP, [])
    db.session.commit()
    checkout(client, group, variant)
    deliver_due()
    assert "+6281311110001" not in sent_to(graph_api, "group_new_order")
    assert sorted(sent_to(graph_api, "group_new_order")) == sorted([GROUP_NUMBER, "+6281311110002"])


def test_with_whatsapp_off_an_order_queues_only_its_emails(client, app, shop_group, monkeypatch):
    group, variant, _ = shop_group
    monkeypatch.setitem(app.config, "WHATSAPP_BACKEND", "")
    checkout(client, group, variant)
    channels = db.session.scalars(select(OutboxMessage.channel)).all()
    assert "whatsapp" not in channels


BUYER = "+6281234567890"  # "0812-3456-7890" as the buyer typed it


def test_the_buyer_hears_each_step_on_whatsapp(client, graph_api, shop_group):
    group, variant, people = shop_group
    ketua = people["ketua"].user
    order = checkout(client, group, variant)
    deliver_due()
    assert sent_to(graph_api, "buyer_confirmed") == []  # placing: the page says it

    orders.confirm_order(order, None, by=ketua)
    orders.mark_paid(order, by=ketua, repeat=False)
    orders.mark_packed(order, by=ketua)
    orders.mark_ready(order, by=ketua)
    orders.complete_order(order, by=ketua)
    db.session.commit()
    deliver_due()

    total = f"Rp{order.total:,}".replace(",", ".")
    track = f"/lacak/{order.number}/{order.tracking_token}"
    buyer = [m for m in graph_api.messages if m["to"] == BUYER.lstrip("+")]
    assert [m["template"]["name"] for m in buyer] == [
        "etalase_buyer_confirmed",
        "etalase_buyer_paid",
        "etalase_buyer_ready",
    ]
    [confirmed] = body_params(graph_api, "buyer_confirmed")
    assert confirmed[:4] == ["Bu Ani", order.number, "Kelompok Abon Jambi", total]
    assert confirmed[4].endswith(track)
    [ready] = body_params(graph_api, "buyer_ready")
    assert ready[3] == "Jl. Kapten Pattimura 7 Kota Jambi"  # one line, as Meta wants

    second = checkout(client, group, variant)
    orders.cancel_order(second, "Stok habis", by=ketua)
    db.session.commit()
    deliver_due()
    [cancelled] = body_params(graph_api, "buyer_cancelled")
    assert cancelled[1] == second.number and cancelled[3] == "Stok habis"
    assert sent_to(graph_api, "buyer_cancelled") == [BUYER]


def test_a_shipped_order_names_the_courier_and_the_tracking_number(client, graph_api, shop_group):
    group, variant, people = shop_group
    group.offers_courier = True
    db.session.commit()
    add(client, variant, 1, **ORIGIN)
    page = client.get("/checkout").get_data(as_text=True)
    client.post(
        "/checkout",
        data={
            "cart_id": field(page, "cart_id"),
            "cart_version": field(page, "cart_version"),
            "quoted": field(page, "quoted"),
            "name": "Bu Ani",
            "phone": "0812-3456-7890",
            "province": "15",
            "regency": "15.71",
            "address": "Jl. Kenanga 5",
            f"delivery-{group.id}": "courier",
            f"payment-{group.id}": "cash",
        },
    )
    order = db.session.scalars(select(Order)).one()
    ketua = people["ketua"].user
    orders.confirm_order(order, 12000, by=ketua)
    orders.mark_packed(order, by=ketua)
    orders.mark_shipped(order, "JNE", "JX1234567", by=ketua)
    db.session.commit()
    deliver_due()
    [shipped] = body_params(graph_api, "buyer_shipped")
    assert shipped[1] == order.number and shipped[3] == "JNE JX1234567"


def test_a_buyer_without_a_mobile_number_gets_no_whatsapp(client, graph_api, shop_group):
    group, variant, people = shop_group
    order = checkout(client, group, variant, phone="021-5551234")
    orders.confirm_order(order, None, by=people["ketua"].user)
    db.session.commit()
    deliver_due()
    assert sent_to(graph_api, "buyer_confirmed") == []
    assert "+62215551234" not in db.session.scalars(select(OutboxMessage.recipient)).all()


def test_an_english_buyer_reads_english_and_meta_gets_the_approved_language(
    client, graph_api, shop_group, app, monkeypatch
):
    group, variant, people = shop_group
    client.get("/bahasa/en")
    order = checkout(client, group, variant)
    assert order.locale == "en"
    orders.confirm_order(order, None, by=people["ketua"].user)
    db.session.commit()
    [row] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "buyer_confirmed")
    ).all()
    assert row.body_text.startswith(
        f"Hello Bu Ani, Kelompok Abon Jambi has confirmed your order {order.number}."
    )

    deliver_due()
    [message] = [m for m in graph_api.messages if m["to"] == BUYER.lstrip("+")]
    assert message["template"]["language"] == {"code": "id"}  # only Indonesian approved


def test_a_group_number_that_is_not_e164_is_skipped_and_the_order_placed(
    client, graph_api, shop_group
):
    group, variant, _ = shop_group
    group.whatsapp = "0812 7777 8888"  # kept before numbers were normalised
    db.session.commit()
    order = checkout(client, group, variant)
    deliver_due()
    assert order.status is OrderStatus.PLACED
    assert sorted(sent_to(graph_api, "group_new_order")) == sorted(
        [GROUP_NUMBER, "+6281311110001", "+6281311110002"]
    )  # the member whose number it is still gets it
