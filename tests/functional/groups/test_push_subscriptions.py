"""Notifications on a member's phone, from the alerts page: nothing shows
without the site's VAPID keys; with them, a push column beside WhatsApp,
the phone's subscription kept and forgotten through two POSTs with CSRF, for
the member's own groups only, and only endpoints a push service could have
given (https, not a private network's address, not too long) in production."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from shop.extensions import db
from shop.groups.alert_choices import member_contacts
from shop.groups.models import AlertKind, Role
from shop.notify import push
from shop.notify.models import PushSubscription
from shop.notify.push import generate_vapid_keys
from tests.factories import GroupFactory, PushSubscriptionFactory
from tests.fakes.web_push import FakeBrowser, fake_resolver
from tests.functional.groups.test_alert_settings import checked, membership

JSON = {"Accept": "application/json"}
GOOGLE = "https://fcm.googleapis.com/fcm/send/dYk3Qx0aBc:APA91bHu"


@pytest.fixture
def keys(app, monkeypatch) -> str:
    private, public = generate_vapid_keys()
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", private)
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", public)
    return public


@pytest.fixture
def production(app, monkeypatch):
    """Production's rules, with a DNS that knows the real push services."""
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    monkeypatch.setitem(app.config, "PUSH_ALLOW_PRIVATE_ENDPOINTS", False)
    monkeypatch.setattr(push, "resolve_host", fake_resolver())


def browser_form(endpoint: str = GOOGLE) -> dict[str, str]:
    browser = FakeBrowser(endpoint=endpoint)
    return {"endpoint": endpoint, "p256dh": browser.p256dh, "auth": browser.auth_secret}


def endpoints() -> list[str]:
    return db.session.scalars(select(PushSubscription.endpoint)).all()


def test_without_keys_nothing_about_push_shows(client, login_as):
    ketua = membership(Role.LEADER)
    db.session.commit()
    login_as(ketua.user)
    url = f"/kelola/{ketua.group.slug}/pemberitahuan"
    page = client.get(url).get_data(as_text=True)
    assert "otifikasi" not in page and "data-push" not in page
    assert checked(page) == {f"whatsapp_{kind.value}" for kind in AlertKind}

    client.post(f"{url}/ponsel", data=browser_form(), headers=JSON)
    assert endpoints() == []


def test_the_page_has_a_push_column_and_says_plainly_without_javascript(client, login_as, keys):
    ketua = membership(Role.LEADER)
    db.session.commit()
    login_as(ketua.user)
    page = client.get(f"/kelola/{ketua.group.slug}/pemberitahuan").get_data(as_text=True)
    assert "Pemberitahuan yang saya terima sebagai notifikasi ponsel" in page
    # The ketua gets every alert on their phones until they choose.
    assert checked(page) == {
        f"{channel}_{kind.value}" for channel in ("whatsapp", "push") for kind in AlertKind
    }
    assert f'data-key="{keys}"' in page
    # Without JavaScript (or Push) only this shows; the buttons are hidden.
    assert "Peramban ini tidak dapat menerima notifikasi" in page
    assert "Kabar lewat WhatsApp tetap berjalan." in page
    assert page.count("data-push-on hidden") == 1 and page.count("data-push-off hidden") == 1


def test_a_member_turns_a_phone_on_and_off(client, login_as, keys):
    anggota = membership(Role.MEMBER)
    db.session.commit()
    login_as(anggota.user)
    url = f"/kelola/{anggota.group.slug}/pemberitahuan"

    turned_on = client.post(
        f"{url}/ponsel", data=browser_form(), headers={**JSON, "User-Agent": "Chrome Android"}
    )
    assert turned_on.status_code == 200
    assert turned_on.json == {"ok": True, "message": "Notifikasi menyala di ponsel ini."}
    [kept] = db.session.scalars(select(PushSubscription)).all()
    assert (kept.user_id, kept.endpoint, kept.user_agent) == (
        anggota.user_id,
        GOOGLE,
        "Chrome Android",
    )
    assert "Anda menerima notifikasi di 1 ponsel atau peramban." in client.get(url).get_data(
        as_text=True
    )

    # An anggota chooses the alerts for their phones like WhatsApp's.
    client.post(url, data={"push_new_order": "y"})
    [contact] = member_contacts([anggota.group_id])[anggota.group_id]
    assert contact.push_kinds == {AlertKind.NEW_ORDER}
    assert contact.push_subscriptions == (kept.id,)
    assert contact.whatsapp_kinds == frozenset()

    turned_off = client.post(f"{url}/ponsel/hapus", data={"endpoint": GOOGLE}, headers=JSON)
    assert turned_off.json["message"] == "Notifikasi dimatikan di ponsel ini."
    assert endpoints() == []


def test_no_token_no_subscription(client, login_as, keys):
    ketua = membership(Role.LEADER)
    db.session.commit()
    login_as(ketua.user)
    url = f"/kelola/{ketua.group.slug}/pemberitahuan/ponsel"
    assert client.post(url, data=browser_form(), csrf=False).status_code == 400
    assert endpoints() == []

    mine = PushSubscriptionFactory(user=ketua.user, endpoint=GOOGLE)
    db.session.commit()
    refused = client.post(f"{url}/hapus", data={"endpoint": mine.endpoint}, csrf=False)
    assert refused.status_code == 400 and endpoints() == [GOOGLE]


def test_another_groups_pages_are_not_found(client, login_as, keys):
    mine = membership(Role.LEADER)
    other = GroupFactory()
    db.session.commit()
    login_as(mine.user)
    for path in ("ponsel", "ponsel/hapus"):
        url = f"/kelola/{other.slug}/pemberitahuan/{path}"
        assert client.post(url, data=browser_form(), headers=JSON).status_code == 404
    assert endpoints() == []


def test_someone_elses_phone_is_not_turned_off(client, login_as, keys):
    ketua = membership(Role.LEADER)
    neighbour = PushSubscriptionFactory(endpoint=GOOGLE)
    db.session.commit()
    login_as(ketua.user)
    client.post(
        f"/kelola/{ketua.group.slug}/pemberitahuan/ponsel/hapus",
        data={"endpoint": neighbour.endpoint},
        headers=JSON,
    )
    assert endpoints() == [GOOGLE]


@pytest.mark.parametrize(
    ("endpoint", "reason"),
    [
        ("http://fcm.googleapis.com/fcm/send/abc", "hanya dikirim ke alamat https"),
        ("https://fcm.googleapis.com:8443/fcm/send/abc", "hanya dikirim ke alamat https"),
        ("https://127.0.0.1/push/abc", "tidak dikirim ke alamat ini"),
        ("https://10.1.2.3/push/abc", "tidak dikirim ke alamat ini"),
        ("https://[::1]/push/abc", "tidak dikirim ke alamat ini"),
        ("https://169.254.169.254/latest/meta-data", "tidak dikirim ke alamat ini"),
        ("https://localhost/push", "tidak dikirim ke alamat ini"),
        ("https://redis.internal/push", "tidak dikirim ke alamat ini"),
        ("https://intranet/push", "tidak dikirim ke alamat ini"),
        ("https://push.example.com/" + "a" * 1000, "terlalu panjang"),
        ("javascript:alert(1)", "bukan alamat web"),
    ],
)
def test_in_production_only_a_push_services_address_is_kept(
    client, login_as, keys, production, endpoint, reason
):
    ketua = membership(Role.LEADER)
    db.session.commit()
    login_as(ketua.user)
    refused = client.post(
        f"/kelola/{ketua.group.slug}/pemberitahuan/ponsel",
        data=browser_form(endpoint),
        headers=JSON,
    )
    assert refused.status_code == 400
    assert reason in json.dumps(refused.json, ensure_ascii=False)
    assert endpoints() == []


def test_in_production_a_real_push_service_is_kept(client, login_as, keys, production):
    ketua = membership(Role.LEADER)
    db.session.commit()
    login_as(ketua.user)
    url = f"/kelola/{ketua.group.slug}/pemberitahuan/ponsel"
    for endpoint in (GOOGLE, "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk"):
        assert client.post(url, data=browser_form(endpoint), headers=JSON).status_code == 200
    assert len(endpoints()) == 2


def test_keys_that_are_not_a_browsers_are_refused(client, login_as, keys):
    ketua = membership(Role.LEADER)
    db.session.commit()
    login_as(ketua.user)
    form = {**browser_form(), "p256dh": "AAAA", "auth": "not-sixteen-bytes"}
    refused = client.post(
        f"/kelola/{ketua.group.slug}/pemberitahuan/ponsel", data=form, headers=JSON
    )
    assert refused.status_code == 400 and endpoints() == []


def test_a_phone_shared_by_two_members_belongs_to_the_last_one(client, login_as, keys):
    ketua = membership(Role.LEADER)
    anggota = membership(Role.MEMBER, group=ketua.group)
    db.session.commit()
    url = f"/kelola/{ketua.group.slug}/pemberitahuan/ponsel"
    login_as(ketua.user)
    client.post(url, data=browser_form(), headers=JSON)
    client.post("/keluar")
    login_as(anggota.user)
    client.post(url, data=browser_form(), headers=JSON)
    [kept] = db.session.scalars(select(PushSubscription)).all()
    assert kept.user_id == anggota.user_id
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 1
