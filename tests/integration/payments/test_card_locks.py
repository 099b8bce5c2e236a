"""No lock on the order while Stripe is called, proven through a live server.

The app runs in a thread with its own database and commits for real; while
the fake Stripe holds the create call, another connection writes the same
order row (as the group's "cancel" or the expiry job would). It must get
through at once: on PostgreSQL no row lock is held, on SQLite no write lock.
"""

from __future__ import annotations

import re

import pytest
import requests
from sqlalchemy import text, update

from shop.extensions import db
from shop.orders.models import Order, PaymentStatus
from tests.conftest import make_live_app, serve

pytestmark = pytest.mark.no_db_transaction

TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="module")
def live(tmp_path_factory, stripe_api):
    app = make_live_app(
        tmp_path_factory,
        "payments",
        STRIPE_SECRET_KEY=stripe_api.api_key,
        STRIPE_WEBHOOK_SECRET=stripe_api.webhook_secret,
        STRIPE_API_BASE=stripe_api.url,
    )
    with serve(app) as url:
        yield app, url


@pytest.fixture
def order_numbers(live, card_order):
    """A confirmed card order committed in the live server's database."""
    app, _ = live
    with app.app_context():
        order = card_order()
        db.session.commit()
        numbers = (order.id, order.number, order.tracking_token)
        db.session.remove()
    return numbers


def write_the_order_elsewhere(app, order_id: int) -> None:
    """One short write on a connection of its own, failing fast if locked."""
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET lock_timeout = '2s'"))
        else:
            conn.exec_driver_sql("PRAGMA busy_timeout = 2000")
        conn.execute(update(Order).where(Order.id == order_id).values(note="probe"))
        conn.commit()


def test_no_lock_is_held_while_stripe_creates_the_session(live, order_numbers, stripe_api):
    app, url = live
    order_id, number, token = order_numbers
    outcome: list[str] = []

    def probe(request):
        try:
            write_the_order_elsewhere(app, order_id)
            outcome.append("written")
        except Exception as error:  # the assertion below shows what went wrong
            outcome.append(repr(error))

    stripe_api.reset()
    stripe_api.on_create = probe
    with requests.Session() as browser:
        page = browser.get(f"{url}/lacak/{number}/{token}")
        csrf = TOKEN_RE.search(page.text) or TOKEN_RE.search(browser.get(f"{url}/masuk").text)
        assert csrf, "no CSRF token on the page"
        response = browser.post(
            f"{url}/bayar/{number}/{token}/kartu",
            data={"csrf_token": csrf.group(1)},
            allow_redirects=False,
        )

    stripe_api.on_create = None
    assert outcome == ["written"]
    assert response.status_code == 303
    with app.app_context():
        order = db.session.get(Order, order_id)
        assert order.note == "probe"
        assert order.stripe_session_id in stripe_api.sessions
        assert order.payment_status is PaymentStatus.UNPAID
        db.session.remove()
