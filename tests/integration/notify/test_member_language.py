"""Each member reads the group's order alerts in their own language
(`User.locale`, chosen on the account page): for the same order an
English-speaking ketua gets English and an Indonesian-speaking member
Indonesian, on every channel. WhatsApp through the real Cloud API client to
the fake Graph API (the template's language code follows the reader), web
push through pywebpush to the fake push service that decrypts each
notification with the phone's keys, email through a real SMTP server. The
buyer keeps the language they ordered in."""

from __future__ import annotations

from sqlalchemy import select

from shop.catalogue.services import refresh_derived
from shop.extensions import db
from shop.groups.alert_choices import member_contacts, set_alert_choices
from shop.groups.models import AlertChannel, AlertKind, Role
from shop.notify.delivery import deliver_due
from shop.notify.models import OutboxMessage, OutboxStatus
from shop.notify.push import subscribe
from shop.orders import services as orders
from tests.factories import (
    GroupFactory,
    LoginSessionFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
)
from tests.integration.notify.test_order_alerts_whatsapp import VERIFIED, checkout


def _member(group, role, phone, email, locale, push_service):
    user = UserFactory(phone=phone, email=email, phone_verified_at=VERIFIED, locale=locale)
    membership = MembershipFactory(group=group, user=user, role=role)
    browser = push_service.browser()
    login = LoginSessionFactory(user=user)
    subscribe(user.id, login.id, browser.endpoint, browser.p256dh, browser.auth_secret)
    return membership, browser


def test_the_same_order_reaches_each_member_in_their_language(
    app, client, graph_api, push_service, smtp_server, monkeypatch
):
    templates = dict(app.config["WHATSAPP_TEMPLATES"])
    for key in ("group_new_order", "buyer_confirmed"):
        templates[key] = {**templates[key], "languages": {"en": "en"}}
    monkeypatch.setitem(app.config, "WHATSAPP_TEMPLATES", templates)
    graph_api.templates["etalase_group_new_order"].languages.add("en")  # approved at Meta
    group = GroupFactory(name="Kelompok Abon Jambi", whatsapp=None)
    product = ProductFactory(group=group, name="Abon Lele")
    variant = VariantFactory(product=product, price=25000, stock=10)
    refresh_derived(product)
    ketua, ketua_phone = _member(
        group, Role.LEADER, "+6281311110001", "ketua@example.test", "en", push_service
    )
    anggota, anggota_phone = _member(
        group, Role.MEMBER, "+6281311110002", "anggota@example.test", "id", push_service
    )
    for channel in (AlertChannel.WHATSAPP, AlertChannel.PUSH):
        set_alert_choices(anggota, channel, [AlertKind.NEW_ORDER])
    db.session.commit()

    order = checkout(client, group, variant)  # an Indonesian page: the buyer's language
    deliver_due()

    # WhatsApp: the template in the reader's language, its words too.
    sent = {
        "+" + m["to"]: m["template"]["language"]["code"]
        for m in graph_api.messages
        if m["template"]["name"] == "etalase_group_new_order"
    }
    assert sent == {ketua.user.phone: "en", anggota.user.phone: "id"}
    readable = dict(
        db.session.execute(
            select(OutboxMessage.recipient, OutboxMessage.body_text).where(
                OutboxMessage.template == "group_new_order"
            )
        ).all()
    )
    assert readable[ketua.user.phone].startswith(f"New order {order.number} for")
    assert readable[anggota.user.phone].startswith(f"Pesanan baru {order.number} untuk")

    # Notifications, as each phone decrypts them.
    [english] = push_service.payloads_for(ketua_phone)
    [indonesian] = push_service.payloads_for(anggota_phone)
    assert english["title"] == f"New order {order.number}"
    assert indonesian["title"] == f"Pesanan baru {order.number}"

    # Email.
    subjects = {m["To"]: m["Subject"] for m in smtp_server.messages}
    assert subjects["ketua@example.test"] == f"New order {order.number} from Bu Ani"
    assert subjects["anggota@example.test"] == f"Pesanan baru {order.number} dari Bu Ani"

    # The buyer (who ordered on the Indonesian site) keeps Indonesian, even
    # when an English-speaking ketua confirms.
    graph_api.reset()
    orders.confirm_order(order, None, by=ketua.user)
    db.session.commit()
    deliver_due()
    [to_buyer] = [
        m for m in graph_api.messages if m["template"]["name"] == "etalase_buyer_confirmed"
    ]
    assert to_buyer["template"]["language"]["code"] == "id"
    statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert set(statuses) == {OutboxStatus.SENT}


def test_a_member_who_never_chose_reads_the_sites_language(app, push_service):
    group = GroupFactory()
    user = UserFactory(locale="")
    membership = MembershipFactory(group=group, user=user, role=Role.LEADER)
    browser = push_service.browser()
    subscribe(user.id, LoginSessionFactory(user=user).id, browser.endpoint, "x", "y")
    [contact] = member_contacts([group.id])[group.id]
    assert contact.user_id == membership.user_id
    assert contact.language == "id"
