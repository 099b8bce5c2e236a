"""Requesters accepting at the same moment, against a real threaded server
(on the suite's engine: SQLite or PostgreSQL): the accepted quantity never
passes the request's, and an offer is accepted once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from shop.bulk.models import BulkOffer, BulkRequest, OfferStatus
from shop.extensions import db
from shop.orders.models import Order
from tests.conftest import live_site
from tests.http_client import form_field

TABS = 20


def _seed(offers: int, quantity: int, each: int):
    from tests.factories import BulkOfferFactory, BulkRequestFactory, GroupFactory

    bulk = BulkRequestFactory(quantity=quantity)
    made = [
        BulkOfferFactory(request=bulk, group=GroupFactory(), quantity=each) for _ in range(offers)
    ]
    db.session.flush()
    return f"/borongan/{bulk.number}/{bulk.key}", bulk.id, [o.id for o in made]


def _accept_at_once(base: str, path: str, forms: list[dict]) -> list[int]:
    ready = threading.Barrier(len(forms), timeout=120)

    def accept(form: dict) -> int:
        with requests.Session() as http:
            page = http.get(f"{base}{path}", timeout=60).text
            data = {"csrf_token": form_field(page, "csrf_token"), **form}
            ready.wait()
            return http.post(
                f"{base}{path}/terima", data=data, allow_redirects=False, timeout=60
            ).status_code

    with ThreadPoolExecutor(max_workers=len(forms)) as pool:
        return list(pool.map(accept, forms))


@pytest.mark.no_db_transaction
def test_twenty_requesters_at_once_never_order_more_than_asked(tmp_path_factory):
    """300 asked, twenty tabs each taking 40 from a different offer at the
    same moment: seven fit (280), the other thirteen are refused."""
    with live_site(tmp_path_factory, "bulkrace", lambda: _seed(TABS, 300, 40)) as (
        app,
        base,
        (path, request_id, offer_ids),
    ):
        codes = _accept_at_once(base, path, [{f"take-{o}": "40"} for o in offer_ids])
        with app.app_context():
            accepted = db.session.get(BulkRequest, request_id).accepted_quantity
            orders = db.session.scalar(select(func.count()).select_from(Order))
            taken = db.session.scalar(
                select(func.sum(BulkOffer.accepted_quantity)).where(
                    BulkOffer.status == OfferStatus.ACCEPTED
                )
            )
    assert not [c for c in codes if c >= 500], codes
    assert codes.count(303) == 7, codes
    assert codes.count(422) == TABS - 7, codes
    assert (accepted, orders, taken) == (280, 7, 280)


@pytest.mark.no_db_transaction
def test_the_same_offer_accepted_from_ten_tabs_makes_one_order(tmp_path_factory):
    with live_site(tmp_path_factory, "bulkrace1", lambda: _seed(1, 300, 100)) as (
        app,
        base,
        (path, request_id, [offer_id]),
    ):
        codes = _accept_at_once(base, path, [{f"take-{offer_id}": "100"}] * 10)
        with app.app_context():
            accepted = db.session.get(BulkRequest, request_id).accepted_quantity
            orders = db.session.scalar(select(func.count()).select_from(Order))
    assert not [c for c in codes if c >= 500], codes
    assert codes.count(303) == 1, codes
    assert (accepted, orders) == (100, 1)
