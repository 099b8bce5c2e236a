"""50 buyers at once for the last unit, against a real threaded server."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from shop.catalogue.models import Variant
from shop.extensions import db
from shop.orders.models import Order
from tests.conftest import make_live_app, serve
from tests.http_client import add_to_cart, checkout_form, place

BUYERS = int(__import__("os").environ.get("RACE_BUYERS", "50"))


@pytest.mark.no_db_transaction
def test_fifty_buyers_one_last_unit(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "race")
    with app.app_context():
        from tests.factories import on_sale

        variant = on_sale("Kelompok Balapan", "Kue Terakhir", price=20000, stock=1)
        variant_id, group_id = variant.id, variant.product.group_id

    # Everyone fills a cart and opens the checkout while the unit is there;
    # then all 50 press "Place order" at the same moment.
    everyone_ready = threading.Barrier(BUYERS, timeout=120)

    def buy(n: int) -> int:
        with requests.Session() as http:
            add_to_cart(http, base, variant_id, timeout=60)
            page = http.get(f"{base}/checkout", timeout=60).text
            everyone_ready.wait()
            form = checkout_form(page, group_id, name=f"Pembeli {n}", phone=f"0812{n:08d}")
            return place(http, base, form, timeout=60).status_code

    with serve(app) as base:
        with ThreadPoolExecutor(max_workers=BUYERS) as pool:
            codes = list(pool.map(buy, range(BUYERS)))

    with app.app_context():
        orders = db.session.scalar(select(func.count()).select_from(Order))
        stock = db.session.get(Variant, variant_id).stock
    assert not [c for c in codes if c >= 500], codes
    assert codes.count(303) == 1, codes  # the one order: 303 to its confirmation
    assert orders == 1
    assert stock == 0


@pytest.mark.no_db_transaction
def test_buyers_of_the_same_two_products_never_deadlock(tmp_path_factory):
    """Twenty carts of the same two products placed at once: every order is
    placed and each stock goes down by twenty (rows are locked in one order,
    with the lock an UPDATE takes, so the order lines naming them never wait)."""
    app = make_live_app(tmp_path_factory, "pair")
    with app.app_context():
        from tests.factories import on_sale

        first = on_sale("Kelompok Pasangan A", "Kue A", price=20000, stock=100)
        second = on_sale("Kelompok Pasangan B", "Kue B", price=15000, stock=100)
        pairs = [(v.id, v.product.group_id) for v in (first, second)]

    buyers = 20
    everyone_ready = threading.Barrier(buyers, timeout=120)

    def buy(n: int) -> int:
        with requests.Session() as http:
            for variant_id, _group in pairs[:: 1 if n % 2 else -1]:
                add_to_cart(http, base, variant_id, timeout=60)
            page = http.get(f"{base}/checkout", timeout=60).text
            form = checkout_form(page, pairs[0][1], name=f"Pembeli {n}", phone=f"0812{n:08d}")
            form |= {f"delivery-{pairs[1][1]}": "pickup", f"payment-{pairs[1][1]}": "cash"}
            everyone_ready.wait()
            return place(http, base, form, timeout=60).status_code

    with serve(app) as base:
        with ThreadPoolExecutor(max_workers=buyers) as pool:
            codes = list(pool.map(buy, range(buyers)))

    with app.app_context():
        orders = db.session.scalar(select(func.count()).select_from(Order))
        left = [db.session.get(Variant, v).stock for v, _ in pairs]
    assert codes == [303] * buyers, codes
    assert orders == 2 * buyers
    assert left == [100 - buyers, 100 - buyers]
