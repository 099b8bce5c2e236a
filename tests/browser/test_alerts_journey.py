"""Issue 15's journey at 390×844 in Chromium: order alerts reach WhatsApp and
phones from a live site, as they would in production.

The live site sends WhatsApp through the real Cloud API client to the fake
Graph API and web push through pywebpush to the fake push service (which
checks the VAPID signature and decrypts each notification with the phone's
own keys). Messages leave as the site sends them: the outbox is delivered in
the server's process once the request that committed them has answered; the
test only waits. A guest orders from a group with a verified number of its
own, whose ketua has a verified WhatsApp number and a phone with
notifications on: the group's number and
the ketua hear of the new order, on WhatsApp and on the phone. The guest then
asks for notifications on the tracking page, the ketua confirms the order in
the browser, and the buyer hears of it on WhatsApp and on that phone; each
recipient once."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shop.notify.push import generate_vapid_keys
from tests.browser.pages import log_in, t
from tests.browser.test_order_journey import _add, _group_acts
from tests.browser.test_push_journey import FAKE_SUBSCRIBE
from tests.conftest import live_site
from tests.fakes.web_push import FakeBrowser, FakePushService
from tests.fakes.web_push import serve as serve_push
from tests.fakes.whatsapp_graph import FakeGraph
from tests.fakes.whatsapp_graph import serve as serve_graph
from tests.integration.notify.test_order_alerts_push import subscribed

PRIVATE, PUBLIC = generate_vapid_keys()
GROUP_NUMBER = "+6281277778888"
KETUA = "+6281311110001"
BUYER = "+6281234567890"
PASSWORD = "ketua-rahasia-1"
WAIT = 60.0  # the issue: within a minute


@pytest.fixture(scope="module")
def fakes():
    with (
        serve_graph(FakeGraph()) as graph,
        serve_push(FakePushService(vapid_public_key=PUBLIC)) as push,
    ):
        yield graph, push


@pytest.fixture(scope="module")
def site(tmp_path_factory, fakes):
    graph, push = fakes
    ketua_phone: list[FakeBrowser] = []

    def seed() -> dict:
        from shop.catalogue.models import ProductStatus
        from shop.catalogue.services import refresh_derived, set_status
        from shop.groups.models import Role
        from tests import factories as made

        verified = datetime(2026, 11, 1, tzinfo=UTC)
        # The group's own number gets alerts once verified (issue 15).
        group = made.GroupFactory(
            name="Kelompok Kabar Jambi",
            whatsapp=GROUP_NUMBER,
            whatsapp_verified_at=verified,
            accepts_transfer=False,
        )
        ketua = made.UserFactory(
            name="Bu Ketua", phone=KETUA, email=None, phone_verified_at=verified
        )
        ketua.set_password(PASSWORD)
        membership = made.MembershipFactory(group=group, user=ketua, role=Role.LEADER)
        product = made.ProductFactory(
            group=group, name="Abon Lele Kabar", status=ProductStatus.DRAFT
        )
        made.VariantFactory(product=product, price=25000, stock=50)
        set_status(product, ProductStatus.PUBLISHED)
        refresh_derived(product)
        ketua_phone.append(subscribed(push, membership))
        return {"slug": group.slug, "product": f"/k/{group.slug}/{product.slug}"}

    with live_site(
        tmp_path_factory,
        "alerts",
        seed,
        WHATSAPP_BACKEND="cloud",
        WHATSAPP_API_URL=graph.api_url,
        WHATSAPP_PHONE_NUMBER_ID=graph.phone_number_id,
        WHATSAPP_TOKEN=graph.token,
        VAPID_PRIVATE_KEY=PRIVATE,
        VAPID_PUBLIC_KEY=PUBLIC,
        VAPID_SUBJECT="mailto:operator@etalase.test",
        # As `make run`: the outbox is sent after the answer of the request
        # that wrote it, and the in-process scheduler's sweep (every 30 s)
        # sends what such a job missed. Werkzeug's server skips the job when
        # the browser has already dropped the connection (a redirect followed).
        NOTIFY_IN_PROCESS=True,
    ) as (app, url, seeded):
        try:
            yield {"app": app, "url": url, "ketua_phone": ketua_phone[0], **seeded}
        finally:
            scheduler = app.extensions.get("etalase.scheduler")
            if scheduler is not None:
                scheduler.stop(10)


def _within(app, since: float, arrived: Callable[[], object]) -> float:
    """Wait until `arrived()` is true; seconds since `since` (fails after WAIT,
    saying what the site's outbox holds)."""
    while not arrived():
        if time.monotonic() - since > WAIT:
            pytest.fail(f"nothing arrived within {WAIT} s; the outbox: {_outbox(app)}")
        time.sleep(0.1)
    return time.monotonic() - since


def _outbox(app) -> list[tuple]:
    from shop.extensions import db
    from shop.notify.models import OutboxMessage

    with app.app_context():
        rows = db.session.execute(
            select(
                OutboxMessage.kind,
                OutboxMessage.channel,
                OutboxMessage.status,
                OutboxMessage.attempts,
                OutboxMessage.next_attempt_at,
                OutboxMessage.created_at,
                OutboxMessage.last_error,
            )
        ).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def _whatsapp(graph: FakeGraph, template: str) -> list[tuple[str, list[str]]]:
    """(recipient, body parameters) of each accepted message of that template."""
    return [
        ("+" + m["to"], [p["text"] for p in m["template"]["components"][0]["parameters"]])
        for m in graph.messages
        if m["template"]["name"] == f"etalase_{template}"
    ]


def _phone_context(browser, browser_context_args, url: str, phone: FakeBrowser):
    """A phone whose pushManager.subscribe() answers with `phone`'s subscription."""
    context = browser.new_context(**browser_context_args)
    context.grant_permissions(["notifications"], origin=url)
    subscription = {
        "endpoint": phone.endpoint,
        "keys": {"p256dh": phone.p256dh, "auth": phone.auth_secret},
    }
    context.add_init_script(f"({FAKE_SUBSCRIBE})({json.dumps(subscription)})")
    return context


def test_a_new_order_and_its_confirmation_reach_whatsapp_and_phones(
    browser, browser_context_args, site, fakes
):
    graph, push = fakes
    app, url, slug = site["app"], site["url"], site["slug"]
    timings = {}

    # A guest orders, giving a mobile (WhatsApp) number.
    buyer_phone = push.browser()
    buyer = _phone_context(browser, browser_context_args, url, buyer_phone).new_page()
    problems: list[str] = []
    buyer.on("pageerror", lambda e: problems.append(str(e)))
    _add(buyer, url + site["product"])
    buyer.goto(f"{url}/keranjang")
    buyer.locator("main a[href='/checkout']").click()
    buyer.fill("main [name=name]", "Bu Ani")
    buyer.fill("main [name=phone]", "0812-3456-7890")
    buyer.select_option("main [name=province]", "15")
    buyer.select_option("main [name=regency]", "15.71")
    buyer.fill("main [name=address]", "Jl. Kenanga 5, Telanaipura")
    buyer.locator("main form button[type=submit]:not([name])").click()
    placed_at = time.monotonic()
    tracking = buyer.locator("main a[href*='/lacak/ET-']")
    expect(tracking).to_have_count(1)
    link = tracking.get_attribute("href")
    number = re.search(r"/lacak/(ET-[^/]+)/", link).group(1)
    expect(buyer.locator("main")).to_contain_text(number)

    # The group's number and the ketua, on WhatsApp; the ketua's phone.
    timings["group_new_order WhatsApp"] = _within(
        app, placed_at, lambda: len(_whatsapp(graph, "group_new_order")) >= 2
    )
    new_order = _whatsapp(graph, "group_new_order")
    assert sorted(to for to, _ in new_order) == sorted([GROUP_NUMBER, KETUA])
    for _, params in new_order:
        assert params[:3] == [number, "Kelompok Kabar Jambi", "Bu Ani"]
        assert params[4].endswith(f"/kelola/{slug}/pesanan/{number}")
    timings["new order push"] = _within(
        app, placed_at, lambda: push.payloads_for(site["ketua_phone"])
    )
    [alert] = push.payloads_for(site["ketua_phone"])
    assert alert["title"] == f"Pesanan baru {number}"
    assert alert["body"].startswith("Kelompok Kabar Jambi · Rp")
    assert alert["url"] == f"/kelola/{slug}/pesanan/{number}"
    assert alert["tag"] == number
    assert push.payloads_for(buyer_phone) == []  # not asked yet

    # The buyer asks for notifications on the tracking page.
    buyer.goto(url + link)
    notify_me = buyer.get_by_role("button", name=t(app, "Notify me on this phone"))
    expect(notify_me).to_be_visible(timeout=15_000)
    notify_me.click()
    expect(buyer.locator("[data-push-status]")).to_have_text(
        t(app, "You will hear of this order’s next steps on this phone.")
    )

    # The ketua confirms it in the browser.
    ketua = browser.new_context(**browser_context_args).new_page()
    log_in(ketua, url, "0813-1111-0001", PASSWORD)
    ketua.goto(f"{url}/kelola/{slug}/pesanan")
    expect(ketua.locator("main")).to_contain_text(number)
    confirmed_at = time.monotonic()  # from opening the order to confirm it
    _group_acts(ketua, url, slug, number, "konfirmasi")

    timings["buyer_confirmed WhatsApp"] = _within(
        app, confirmed_at, lambda: _whatsapp(graph, "buyer_confirmed")
    )
    [(to, params)] = _whatsapp(graph, "buyer_confirmed")
    assert to == BUYER
    assert params[:3] == ["Bu Ani", number, "Kelompok Kabar Jambi"]
    assert params[4].endswith(link)
    timings["confirmed push"] = _within(app, confirmed_at, lambda: push.payloads_for(buyer_phone))
    [status] = push.payloads_for(buyer_phone)
    assert status == {
        "title": f"Pesanan {number} dikonfirmasi",
        "body": alert["body"],
        "url": link,
        "tag": number,
    }

    # Each once: nothing more to anyone, and the ketua not told of their own act.
    time.sleep(1)
    assert len(_whatsapp(graph, "group_new_order")) == 2
    assert len(_whatsapp(graph, "buyer_confirmed")) == 1
    assert push.payloads_for(site["ketua_phone"]) == [alert]
    assert push.payloads_for(buyer_phone) == [status]
    assert push.refused == [] and all(r.accepted for r in graph.received)
    assert problems == []
    print("alert timings (s):", {k: round(v, 2) for k, v in timings.items()})
    buyer.context.close()
    ketua.context.close()
