"""A phone's notifications belong to the log-in that turned them on: a member
who logs out of a shared phone stops getting the group's alerts there, with
or without JavaScript. "Log out on all devices", a password change and a
password reset end them on every phone; another log-in's phone is untouched
by a plain log-out."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.accounts import recovery
from shop.extensions import db
from shop.groups.alert_choices import member_contacts
from shop.groups.models import Role
from shop.notify.models import PushSubscription
from shop.notify.push import generate_vapid_keys
from tests.factories import PASSWORD, CoordinatorFactory, PushSubscriptionFactory
from tests.fakes.web_push import FakeBrowser
from tests.functional.accounts.test_sessions import log_in
from tests.functional.groups.test_alert_settings import membership

PHONE = "https://fcm.googleapis.com/fcm/send/shared-phone"
LAPTOP = "https://updates.push.services.mozilla.com/wpush/v2/laptop"
NEW_PASSWORD = "kerupuk lele rawapasung 2024"


@pytest.fixture(autouse=True)
def keys(app, monkeypatch):
    private, public = generate_vapid_keys()
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", private)
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", public)


@pytest.fixture
def ketua():
    made = membership(Role.LEADER)
    db.session.commit()
    return made


def turn_on(browser, member, endpoint: str = PHONE):
    made = FakeBrowser(endpoint=endpoint)
    answer = browser.post(
        f"/kelola/{member.group.slug}/pemberitahuan/ponsel",
        data={"endpoint": endpoint, "p256dh": made.p256dh, "auth": made.auth_secret},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)


def endpoints() -> list[str]:
    return sorted(db.session.scalars(select(PushSubscription.endpoint)))


def alerted_browsers(member) -> tuple[int, ...]:
    [contact] = member_contacts([member.group_id])[member.group_id]
    return contact.push_subscriptions


def test_logging_out_ends_this_phones_notifications_only(app, ketua):
    phone, laptop = log_in(app, ketua.user), log_in(app, ketua.user)
    turn_on(phone, ketua, PHONE)
    turn_on(laptop, ketua, LAPTOP)
    assert len(alerted_browsers(ketua)) == 2

    # A plain form post, as without JavaScript.
    assert phone.post("/keluar").status_code == 302
    assert endpoints() == [LAPTOP]
    [left] = alerted_browsers(ketua)
    assert db.session.get(PushSubscription, left).endpoint == LAPTOP


def test_the_next_person_on_a_shared_phone_gets_nothing_of_the_last_ones_group(app, ketua):
    other = membership(Role.LEADER)
    db.session.commit()
    phone = log_in(app, ketua.user)
    turn_on(phone, ketua)
    phone.post("/keluar")
    phone.post("/masuk", data={"login": other.user.phone, "password": PASSWORD})

    assert endpoints() == []
    assert alerted_browsers(ketua) == ()
    # Their alerts page says this phone is not on for them, so the button
    # to turn it on shows even though the browser is still subscribed.
    page = phone.get(f"/kelola/{other.group.slug}/pemberitahuan").get_data(as_text=True)
    assert 'data-here="no"' in page
    turn_on(phone, other)
    page = phone.get(f"/kelola/{other.group.slug}/pemberitahuan").get_data(as_text=True)
    assert 'data-here="yes"' in page


def test_log_out_on_all_devices_ends_every_phone(app, ketua):
    phone, laptop = log_in(app, ketua.user), log_in(app, ketua.user)
    turn_on(phone, ketua, PHONE)
    turn_on(laptop, ketua, LAPTOP)
    neighbour = PushSubscriptionFactory()  # someone else's phone
    db.session.commit()

    laptop.post("/akun/keluar-semua")
    assert endpoints() == [neighbour.endpoint]


def test_a_password_change_ends_every_phone_this_one_too(app, ketua):
    phone, laptop = log_in(app, ketua.user), log_in(app, ketua.user)
    turn_on(phone, ketua, PHONE)
    turn_on(laptop, ketua, LAPTOP)
    changed = laptop.post(
        "/akun/sandi",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert endpoints() == []


def test_a_password_reset_ends_every_phone(app, ketua):
    phone = log_in(app, ketua.user)
    turn_on(phone, ketua)
    coordinator = CoordinatorFactory()
    token = recovery.issue_shared_reset_link(ketua.user, coordinator.user)
    db.session.commit()

    browser = app.test_client()
    page = browser.get(f"/lupa-sandi/tautan/{token}").get_data(as_text=True)
    token_field = page.split('name="csrf_token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    done = browser.post(
        f"/lupa-sandi/tautan/{token}",
        data={"csrf_token": token_field, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert done.status_code in (302, 303), done.get_data(as_text=True)
    assert endpoints() == []


def test_the_log_out_forms_are_marked_for_the_script(app, ketua):
    phone = log_in(app, ketua.user)
    page = phone.get("/akun").get_data(as_text=True)
    assert page.count("data-logout") == 2  # the header's log-out, "all devices"
