"""A buyer asks, on the tracking page, to hear of the order's steps on this
phone: the section only with push on and while the order goes on; the
browser kept for that order through a POST with CSRF to the private link
(404 with a wrong token), the same endpoint rules as the members' in
production, and turned off again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.notify.push import generate_vapid_keys
from shop.orders.models import OrderPushSubscription, OrderStatus
from tests.factories import make_order
from tests.fakes.web_push import FakeBrowser

JSON = {"Accept": "application/json"}
GOOGLE = "https://fcm.googleapis.com/fcm/send/eB2x:APA91bGz"


@pytest.fixture
def keys(app, monkeypatch) -> str:
    private, public = generate_vapid_keys()
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", private)
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", public)
    return public


def browser_form(endpoint: str = GOOGLE) -> dict[str, str]:
    browser = FakeBrowser(endpoint=endpoint)
    return {"endpoint": endpoint, "p256dh": browser.p256dh, "auth": browser.auth_secret}


def tracking(order) -> str:
    return f"/lacak/{order.number}/{order.tracking_token}"


def watching(order) -> list[str]:
    return db.session.scalars(
        select(OrderPushSubscription.endpoint).where(OrderPushSubscription.order_id == order.id)
    ).all()


def test_without_keys_the_page_offers_nothing(client):
    order = make_order()
    db.session.commit()
    page = client.get(tracking(order)).get_data(as_text=True)
    assert "data-push" not in page and "Beri tahu saya" not in page
    client.post(f"{tracking(order)}/ponsel", data=browser_form(), headers=JSON)
    assert watching(order) == []


def test_the_buyer_turns_this_phone_on_and_off(client, keys):
    order = make_order()
    db.session.commit()
    page = client.get(tracking(order)).get_data(as_text=True)
    assert "Beri tahu saya di ponsel ini" in page and f'data-key="{keys}"' in page
    assert "Peramban ini tidak dapat menerima notifikasi" in page  # until app.js knows

    on = client.post(f"{tracking(order)}/ponsel", data=browser_form(), headers=JSON)
    assert on.status_code == 200
    assert on.json["message"] == "Kabar langkah berikutnya pesanan ini akan muncul di ponsel ini."
    assert watching(order) == [GOOGLE]
    client.post(f"{tracking(order)}/ponsel", data=browser_form(), headers=JSON)
    assert watching(order) == [GOOGLE]  # the same browser once

    off = client.post(f"{tracking(order)}/ponsel/hapus", data={"endpoint": GOOGLE}, headers=JSON)
    assert off.status_code == 200 and watching(order) == []


def test_a_wrong_token_is_not_found_and_no_token_no_subscription(client, keys):
    order = make_order()
    db.session.commit()
    wrong = f"/lacak/{order.number}/{'x' * 43}/ponsel"
    assert client.post(wrong, data=browser_form(), headers=JSON).status_code == 404
    refused = client.post(f"{tracking(order)}/ponsel", data=browser_form(), csrf=False)
    assert refused.status_code == 400
    assert watching(order) == []


def test_an_order_that_ended_offers_nothing_and_keeps_nothing(client, keys):
    order = make_order(status=OrderStatus.COMPLETED)
    db.session.commit()
    assert "data-push" not in client.get(tracking(order)).get_data(as_text=True)
    client.post(f"{tracking(order)}/ponsel", data=browser_form(), headers=JSON)
    assert watching(order) == []


def test_in_production_an_internal_address_is_refused(client, keys, app, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    monkeypatch.setitem(app.config, "PUSH_ALLOW_PRIVATE_ENDPOINTS", False)
    order = make_order()
    db.session.commit()
    for endpoint in ("http://127.0.0.1:6379/", "https://192.168.1.1/push"):
        refused = client.post(
            f"{tracking(order)}/ponsel", data=browser_form(endpoint), headers=JSON
        )
        assert refused.status_code == 400
    assert watching(order) == []
