"""Order alerts as web push notifications, through the real pywebpush client
against a fake push service that checks the VAPID signature and decrypts
each notification with the browser's own keys: what a member's phone would
show. A new order reaches the ketua's phone, a member who did not choose it
gets nothing, nobody gets an alert twice nor one of their own act, a 410
forgets the browser, a 500 is retried and the order stays."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.accounts import sessions
from shop.accounts.models import LoginSession
from shop.catalogue.services import refresh_derived
from shop.db import utcnow
from shop.extensions import db
from shop.groups.alert_choices import set_alert_choices
from shop.groups.models import AlertChannel, AlertKind, Role
from shop.notify.delivery import BACKOFF, deliver_due
from shop.notify.models import OutboxMessage, OutboxStatus, PushSubscription
from shop.notify.push import PAYLOAD_MAX, subscribe
from shop.orders import services as orders
from shop.orders.models import OrderPushSubscription, OrderStatus
from shop.orders.push_alerts import watch_order
from shop.payments.transfer import record_proof
from tests.factories import (
    GroupFactory,
    LoginSessionFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
)
from tests.integration.notify.test_order_alerts_whatsapp import PNG, checkout


def subscribed(push_service, membership, login=None):
    """A new browser of the member's, turned on as the alerts page does, in
    a live login session of theirs (`login`, else a new one)."""
    browser = push_service.browser()
    login = login or LoginSessionFactory(user=membership.user)
    subscribe(
        membership.user_id, login.id, browser.endpoint, browser.p256dh, browser.auth_secret, "Test"
    )
    return browser


@pytest.fixture
def shop_group(push_service):
    """A group (no WhatsApp) with a ketua, a member who chose new orders and
    payments on their phone, and a member who chose nothing; each with a
    browser that takes notifications."""
    group = GroupFactory(name="Kelompok Abon Jambi", whatsapp=None)
    product = ProductFactory(group=group, name="Abon Lele")
    variant = VariantFactory(product=product, price=25000, stock=10)
    refresh_derived(product)
    people = {
        "ketua": MembershipFactory(group=group, user=UserFactory(email=None), role=Role.LEADER),
        "in": MembershipFactory(group=group, user=UserFactory(email=None), role=Role.MEMBER),
        "out": MembershipFactory(group=group, user=UserFactory(email=None), role=Role.MEMBER),
    }
    set_alert_choices(people["in"], AlertChannel.PUSH, [AlertKind.NEW_ORDER, AlertKind.PAID])
    phones = {name: subscribed(push_service, m) for name, m in people.items()}
    db.session.commit()
    return group, variant, people, phones


def test_a_new_order_reaches_the_ketuas_phone_decrypted(client, push_service, shop_group):
    group, variant, people, phones = shop_group
    order = checkout(client, group, variant)  # delivered after the commit
    deliver_due()

    [shown] = push_service.payloads_for(phones["ketua"])
    total = f"Rp{order.total:,}".replace(",", ".")
    assert shown == {
        "title": f"Pesanan baru {order.number}",
        "body": f"Kelompok Abon Jambi · {total}",
        "url": f"/kelola/{group.slug}/pesanan/{order.number}",
        "tag": order.number,
    }
    assert "Bu Ani" not in json.dumps(shown)  # no buyer's name on a lock screen
    assert push_service.payloads_for(phones["in"]) == [shown]
    assert push_service.payloads_for(phones["out"]) == []  # chose nothing
    [received] = push_service.received[:1]
    assert received.claims["sub"] == "mailto:operator@etalase.test"
    assert int(received.headers["Ttl"]) > 0
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "push")).all()
    assert {row.status for row in rows} == {OutboxStatus.SENT}
    assert all(len(row.body_text.encode()) < PAYLOAD_MAX for row in rows)
    ketua_phone = db.session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == phones["ketua"].endpoint)
    )
    assert ketua_phone.last_success_at is not None


def test_a_ketua_who_opts_out_gets_nothing(client, push_service, shop_group):
    group, variant, people, phones = shop_group
    set_alert_choices(people["ketua"], AlertChannel.PUSH, [])
    db.session.commit()
    checkout(client, group, variant)
    deliver_due()
    assert push_service.payloads_for(phones["ketua"]) == []
    assert len(push_service.payloads_for(phones["in"])) == 1


def test_nobody_gets_an_alert_twice_nor_one_of_their_own_act(client, push_service, shop_group):
    group, variant, people, phones = shop_group
    # The member lends their phone to the ketua, who turns notifications on
    # there too: the phone is the ketua's now, and shows each alert once.
    subscribe(
        people["ketua"].user_id,
        LoginSessionFactory(user=people["ketua"].user).id,
        phones["in"].endpoint,
        phones["in"].p256dh,
        phones["in"].auth_secret,
    )
    second = subscribed(push_service, people["ketua"])  # and a tablet
    db.session.commit()
    order = checkout(client, group, variant)
    deliver_due()
    assert len(push_service.payloads_for(phones["ketua"])) == 1
    assert len(push_service.payloads_for(phones["in"])) == 1
    assert len(push_service.payloads_for(second)) == 1
    assert len(push_service.received) == 3

    push_service.received.clear()
    orders.confirm_order(order, None, by=people["ketua"].user)
    record_proof(order, PNG)
    db.session.commit()
    deliver_due()
    proofs = [r.payload["title"] for r in push_service.received]
    assert proofs == [f"Bukti pembayaran untuk {order.number}"] * 3  # the ketua's three browsers
    push_service.received.clear()

    orders.mark_paid(order, by=people["ketua"].user, repeat=False)
    db.session.commit()
    deliver_due()
    # The ketua marked it paid: none of their browsers hears of it; the
    # member who chose payments has no browser of their own any more.
    assert push_service.received == []

    orders.cancel_order(order, "Stok habis terbakar", by=None)
    db.session.commit()
    deliver_due()
    cancelled = [r.payload for r in push_service.received]
    assert [p["title"] for p in cancelled] == [f"Pesanan {order.number} dibatalkan"] * 3
    assert all("terbakar" not in p["body"] for p in cancelled)  # the reason stays in the site


def test_a_410_forgets_the_browser(client, push_service, shop_group):
    group, variant, people, phones = shop_group
    push_service.gone(phones["ketua"])
    checkout(client, group, variant)
    deliver_due()

    endpoints = db.session.scalars(select(PushSubscription.endpoint)).all()
    assert phones["ketua"].endpoint not in endpoints
    assert phones["in"].endpoint in endpoints
    [row] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
    ).all()
    assert "HTTP 410" in row.last_error and phones["ketua"].token not in row.last_error


def test_a_500_is_retried_and_the_order_stays_placed(client, push_service, shop_group, clock):
    group, variant, people, phones = shop_group
    push_service.fail(2, status=500)
    order = checkout(client, group, variant)
    deliver_due()
    assert order.status is OrderStatus.PLACED
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "push")).all()
    assert [row.status for row in rows] == [OutboxStatus.PENDING] * 2
    assert all("HTTP 500" in row.last_error for row in rows)
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 3

    assert deliver_due() == (0, 0, 0)  # not before their time
    clock.shift(BACKOFF[0])
    assert deliver_due() == (2, 0, 0)
    assert len(push_service.payloads_for(phones["ketua"])) == 1
    db.session.expire_all()
    assert order.status is OrderStatus.PLACED


def test_with_push_off_nothing_is_queued_for_phones(client, app, shop_group, monkeypatch):
    group, variant, _, _ = shop_group
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", "")
    checkout(client, group, variant)
    assert "push" not in db.session.scalars(select(OutboxMessage.channel)).all()


# --- the buyer ------------------------------------------------------------------


def test_a_buyer_who_asked_hears_of_each_step_and_is_forgotten_at_the_end(
    client, push_service, shop_group
):
    group, variant, people, _ = shop_group
    order = checkout(client, group, variant)
    phone = push_service.browser()
    watch_order(order, phone.endpoint, phone.p256dh, phone.auth_secret)
    db.session.commit()
    ketua = people["ketua"].user

    orders.confirm_order(order, None, by=ketua)
    orders.mark_paid(order, by=ketua, repeat=False)
    db.session.commit()
    deliver_due()
    total = f"Rp{order.total:,}".replace(",", ".")
    track = f"/lacak/{order.number}/{order.tracking_token}"
    assert push_service.payloads_for(phone) == [
        {
            "title": f"Pesanan {order.number} dikonfirmasi",
            "body": f"Kelompok Abon Jambi · {total}",
            "url": track,
            "tag": order.number,
        },
        {
            "title": f"Pembayaran {order.number} diterima",
            "body": f"Kelompok Abon Jambi · {total}",
            "url": track,
            "tag": order.number,
        },
    ]

    orders.cancel_order(order, "Stok habis", by=ketua)
    db.session.commit()
    # Forgotten with the change that ended the order…
    assert db.session.scalars(select(OrderPushSubscription)).all() == []
    deliver_due()
    # … and still told of it: the last notification carried the browser.
    assert push_service.payloads_for(phone)[-1]["title"] == f"Pesanan {order.number} dibatalkan"
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind.like("order_%"))).all()
    assert rows and all(row.channel == "email" or row.params == "" for row in rows)

    orders.confirm_order(checkout(client, group, variant), None, by=ketua)
    db.session.commit()
    deliver_due()
    assert len(push_service.payloads_for(phone)) == 3  # another order: not asked


def test_an_english_buyer_reads_english(client, push_service, shop_group):
    group, variant, people, _ = shop_group
    client.get("/bahasa/en")
    order = checkout(client, group, variant)
    phone = push_service.browser()
    watch_order(order, phone.endpoint, phone.p256dh, phone.auth_secret)
    orders.confirm_order(order, None, by=people["ketua"].user)
    db.session.commit()
    deliver_due()
    [shown] = push_service.payloads_for(phone)
    assert shown["title"] == f"Order {order.number} confirmed"


def test_an_endpoint_that_became_private_is_not_posted_to(
    app, client, push_service, shop_group, monkeypatch
):
    """Checked again as it is sent: here the fake push service is on this
    machine, which only the development setting lets in."""
    group, variant, people, phones = shop_group
    monkeypatch.setitem(app.config, "PUSH_ALLOW_PRIVATE_ENDPOINTS", False)
    checkout(client, group, variant)
    deliver_due()

    assert push_service.received == [] and push_service.refused == []
    failed = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "push")).all()
    assert failed and {row.status for row in failed} == {OutboxStatus.FAILED}
    assert all("refused (internal)" in row.last_error for row in failed)
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 1  # "out"


def test_a_logged_out_or_expired_login_takes_its_phones_alerts_with_it(
    client, push_service, shop_group
):
    group, variant, people, phones = shop_group
    ketua = people["ketua"].user
    later = LoginSessionFactory(user=ketua)
    tablet = subscribed(push_service, people["ketua"], login=later)
    [phone_row] = db.session.scalars(
        select(PushSubscription).where(PushSubscription.endpoint == phones["ketua"].endpoint)
    ).all()
    phone_login = db.session.get(LoginSession, phone_row.login_session_id)
    phone_login.expires_at = utcnow() - timedelta(minutes=1)  # not swept yet
    in_row = db.session.scalars(
        select(PushSubscription).where(PushSubscription.endpoint == phones["in"].endpoint)
    ).one()
    sessions.end_session(db.session.get(LoginSession, in_row.login_session_id))  # logs out
    db.session.commit()

    checkout(client, group, variant)
    deliver_due()
    assert push_service.payloads_for(phones["ketua"]) == []  # its login expired
    assert push_service.payloads_for(phones["in"]) == []  # logged out there
    assert len(push_service.payloads_for(tablet)) == 1  # the ketua's live login

    sessions.sweep()
    left = db.session.scalars(select(PushSubscription.endpoint)).all()
    assert sorted(left) == sorted([tablet.endpoint, phones["out"].endpoint])
