"""Notifications on a ketua's phone, in a real browser at phone size.

Chromium's own push service (Google's) cannot be reached from the tests, so
`PushManager.subscribe()` is the one thing stood in for: it answers with a
subscription at the fake push service, with keys made in the test as a
browser makes them. Everything else is real: the page shows the button only
where push works, asks for permission, posts the subscription with its CSRF
token; a new order then reaches the fake push service, signed and encrypted
for that browser; the decrypted notification, delivered to the service worker
through Chromium's DevTools (as a push service would), is shown with the
order number as title and tag; turning it off forgets the phone."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shop.notify.push import generate_vapid_keys
from tests.browser.pages import log_in, t
from tests.conftest import live_site
from tests.fakes.web_push import FakePushService, serve

PASSWORD = "ketua-rahasia-1"
PHONE = "+6281355550001"
PRIVATE, PUBLIC = generate_vapid_keys()


@pytest.fixture(scope="module")
def push_service():
    with serve(FakePushService(vapid_public_key=PUBLIC)) as fake:
        yield fake


@pytest.fixture(scope="module")
def site(tmp_path_factory, push_service):
    with live_site(
        tmp_path_factory,
        "push",
        _seed,
        VAPID_PRIVATE_KEY=PRIVATE,
        VAPID_PUBLIC_KEY=PUBLIC,
        VAPID_SUBJECT="mailto:operator@etalase.test",
    ) as (app, url, slug):
        yield app, url, slug


def _seed() -> str:
    from shop.groups.models import Role
    from tests.factories import GroupFactory, MembershipFactory, UserFactory

    group = GroupFactory(name="Kelompok Notifikasi", slug="kelompok-notifikasi", whatsapp=None)
    ketua = UserFactory(name="Bu Ketua", phone=PHONE, email=None)
    ketua.set_password(PASSWORD)
    MembershipFactory(group=group, user=ketua, role=Role.LEADER)
    return group.slug


# Stands in for the browser's push service: the subscription the page gets.
FAKE_SUBSCRIBE = """
(subscription) => {
  let current = null;
  const made = {
    endpoint: subscription.endpoint,
    toJSON: () => ({ endpoint: subscription.endpoint, keys: subscription.keys }),
    unsubscribe: () => {
      current = null;
      const count = Number(sessionStorage.getItem("__unsubscribed") || 0) + 1;
      sessionStorage.setItem("__unsubscribed", String(count));
      return Promise.resolve(true);
    },
  };
  PushManager.prototype.subscribe = function (options) {
    window.__subscribedWith = options.applicationServerKey;
    current = made;
    return Promise.resolve(made);
  };
  PushManager.prototype.getSubscription = () => Promise.resolve(current);
}
"""


def test_a_ketua_turns_notifications_on_and_a_new_order_shows_on_the_phone(
    browser, site, push_service
):
    app, url, slug = site
    phone = push_service.browser()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    context.grant_permissions(["notifications"], origin=url)
    subscription = {
        "endpoint": phone.endpoint,
        "keys": {"p256dh": phone.p256dh, "auth": phone.auth_secret},
    }
    context.add_init_script(f"({FAKE_SUBSCRIBE})({json.dumps(subscription)})")
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))

    log_in(page, url, "0813-5555-0001", PASSWORD)
    page.goto(f"{url}/kelola/{slug}/pemberitahuan")
    turn_on = page.get_by_role("button", name=t(app, "Turn on notifications on this phone"))
    expect(turn_on).to_be_visible(timeout=15_000)
    cannot = "This browser cannot receive notifications (or JavaScript is off here)."
    expect(page.get_by_text(t(app, cannot).split(" (")[0])).to_be_hidden()
    page.screenshot(path="test-results/push-alerts-page.png", full_page=True)

    turn_on.click()
    expect(page.locator("[data-push-status]")).to_have_text(
        t(app, "Notifications are on on this phone.")
    )
    turn_off = page.get_by_role("button", name=t(app, "Turn off notifications on this phone"))
    expect(turn_off).to_be_visible()
    # The page subscribed with the site's public key.
    assert (
        page.evaluate("btoa(String.fromCharCode(...window.__subscribedWith))")
        .rstrip("=")
        .replace("+", "-")
        .replace("/", "_")
        == PUBLIC
    )
    with app.app_context():
        from shop.extensions import db
        from shop.notify.models import PushSubscription

        [kept] = db.session.scalars(select(PushSubscription)).all()
        assert kept.endpoint == phone.endpoint and kept.p256dh == phone.p256dh
        db.session.remove()

    order_number = _a_new_order(app, slug)
    [shown] = push_service.payloads_for(phone)
    assert shown["title"] == f"Pesanan baru {order_number}"
    assert shown["url"] == f"/kelola/{slug}/pesanan/{order_number}"

    # The push service hands it to the phone: the worker shows it.
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(300)
    [registration] = [r for r in registrations if not r.get("isDeleted")][:1]
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": url + "/",
            "registrationId": registration["registrationId"],
            "data": json.dumps(shown),
        },
    )
    # Asked in a loop from here: the worker shows it asynchronously, and a
    # predicate that returns a promise is not awaited by every wait helper.
    notifications = []
    for _ in range(50):
        notifications = page.evaluate(
            """navigator.serviceWorker.ready.then(r => r.getNotifications()).then(list =>
                 list.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url,
                                 icon: n.icon})))"""
        )
        if notifications:
            break
        page.wait_for_timeout(200)
    assert len(notifications) == 1, notifications
    assert notifications == [
        {
            "title": f"Pesanan baru {order_number}",
            "body": shown["body"],
            "tag": order_number,
            "url": f"{url}/kelola/{slug}/pesanan/{order_number}",
            "icon": notifications[0]["icon"],
        }
    ]
    assert "/static/" in notifications[0]["icon"] and "icon-192" in notifications[0]["icon"]

    turn_off.click()
    expect(page.locator("[data-push-status]")).to_have_text(
        t(app, "Notifications are off on this phone.")
    )
    expect(turn_on).to_be_visible()
    with app.app_context():
        from shop.extensions import db
        from shop.notify.models import PushSubscription

        assert db.session.scalars(select(PushSubscription)).all() == []
        db.session.remove()
    assert page.evaluate("sessionStorage.getItem('__unsubscribed')") == "1"

    # On again, then the ketua logs out of this phone: the site forgets it
    # with the log-in, and the page ends the browser's subscription too.
    turn_on.click()
    expect(turn_off).to_be_visible()
    page.locator("form.account-bar[data-logout] button[type=submit]").click()
    page.wait_for_url(f"{url}/")
    assert page.evaluate("sessionStorage.getItem('__unsubscribed')") == "2"
    with app.app_context():
        from shop.extensions import db
        from shop.notify.models import PushSubscription

        assert db.session.scalars(select(PushSubscription)).all() == []
        db.session.remove()
    assert _a_new_order(app, slug) and len(push_service.payloads_for(phone)) == 1
    assert problems == []
    context.close()


def _a_new_order(app, slug: str) -> str:
    """An order placed for the group, its alerts delivered; its number."""
    with app.app_context():
        from shop.extensions import db
        from shop.groups.models import Group
        from shop.notify.delivery import deliver_due
        from shop.orders.alerts import notify_new_order
        from tests.factories import OrderFactory

        group = db.session.scalar(select(Group).where(Group.slug == slug))
        order = OrderFactory(group=group, buyer_name="Bu Pembeli")
        notify_new_order(order)
        db.session.commit()
        deliver_due()
        number = order.number
        db.session.remove()
    return number
