"""50 buyers at once for the last unit, against a real threaded server."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from shop.catalogue.models import ProductStatus, Variant
from shop.catalogue.services import refresh_derived, set_status
from shop.extensions import db
from shop.orders.models import Order
from tests.conftest import make_live_app, serve

BUYERS = int(__import__("os").environ.get("RACE_BUYERS", "50"))


def _field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    assert match, f"no {name} in the checkout form: {html[:3000]}"
    return match.group(1).replace("&#34;", '"').replace("&quot;", '"')


@pytest.mark.no_db_transaction
def test_fifty_buyers_one_last_unit(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "race")
    with app.app_context():
        from tests.factories import GroupFactory, ProductFactory, VariantFactory

        group = GroupFactory(name="Kelompok Balapan")
        product = ProductFactory(group=group, name="Kue Terakhir", status=ProductStatus.DRAFT)
        variant = VariantFactory(product=product, price=20000, stock=1)
        set_status(product, ProductStatus.PUBLISHED)
        refresh_derived(product)
        db.session.commit()
        variant_id, group_id = variant.id, group.id

    # Everyone fills a cart and opens the checkout while the unit is there;
    # then all 50 press "Place order" at the same moment.
    everyone_ready = threading.Barrier(BUYERS, timeout=120)

    def buy(n: int) -> int:
        with requests.Session() as http:
            http.post(
                f"{base}/keranjang/tambah",
                data={"variant": variant_id, "quantity": 1},
                headers={"Origin": base},
                allow_redirects=False,
                timeout=60,
            )
            page = http.get(f"{base}/checkout", timeout=60).text
            everyone_ready.wait()
            response = http.post(
                f"{base}/checkout",
                data={
                    "csrf_token": _field(page, "csrf_token"),
                    "token": _field(page, "token"),
                    "quoted": _field(page, "quoted"),
                    "name": f"Pembeli {n}",
                    "phone": f"0812{n:08d}",
                    "province": "15",
                    "regency": "15.71",
                    f"delivery-{group_id}": "pickup",
                    f"payment-{group_id}": "cash",
                },
                allow_redirects=False,
                timeout=60,
            )
            return response.status_code

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
