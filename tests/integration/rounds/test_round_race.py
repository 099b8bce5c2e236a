"""Many buyers at once for the last places of a pre-order round, against a
real threaded server (SQLite or PostgreSQL, whichever the suite runs on):
the round's capacity is never oversold, and what it says is taken is what
the orders hold."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from shop.core.clock import jakarta_today
from shop.extensions import db
from shop.orders.models import Order, OrderLine
from shop.rounds.models import RoundItem
from shop.rounds.services import RoundDetails, open_round
from tests.conftest import make_live_app, serve
from tests.http_client import add_to_cart, checkout_form, place

BUYERS = int(os.environ.get("RACE_BUYERS", "30"))


def _seed_round(capacity: int) -> tuple[int, int]:
    """A group's made-to-order cookies (no stock to run out of) in an open
    round of `capacity`: (variant id, group id)."""
    from tests.factories import GroupFactory, MembershipFactory, UserFactory, listed_product

    group = GroupFactory(name="Kelompok Balapan Kue")
    ketua = UserFactory()
    MembershipFactory(group=group, user=ketua)
    product = listed_product("Nastar Balapan", group=group, price=40000, stock=None)
    variant = product.variants[0]
    today = jakarta_today()
    open_round(
        group,
        RoundDetails("Kue Lebaran", "", today + timedelta(days=3), today + timedelta(days=8)),
        {variant.id: capacity},
        today=today,
        by=ketua,
    )
    db.session.commit()
    return variant.id, group.id


def _race(base: str, variant_id: int, group_id: int, quantities: list[int]) -> list[int]:
    """Every buyer fills a cart with their quantity and opens the checkout;
    then all press "Place order" at the same moment. Their answers."""
    everyone_ready = threading.Barrier(len(quantities), timeout=120)

    def buy(n: int) -> int:
        with requests.Session() as http:
            for _ in range(quantities[n]):
                add_to_cart(http, base, variant_id, timeout=60)
            page = http.get(f"{base}/checkout", timeout=60).text
            form = checkout_form(page, group_id, name=f"Pembeli {n}", phone=f"0812{n:08d}")
            everyone_ready.wait()
            return place(http, base, form, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=len(quantities)) as pool:
        return list(pool.map(buy, range(len(quantities))))


def _ordered(app, variant_id: int) -> tuple[int, int, int]:
    """(orders, units in their lines, units the round item says are taken)."""
    with app.app_context():
        orders = db.session.scalar(select(func.count()).select_from(Order))
        units = db.session.scalar(
            select(func.coalesce(func.sum(OrderLine.quantity), 0)).where(
                OrderLine.variant_id == variant_id, OrderLine.round_item_id.is_not(None)
            )
        )
        taken = db.session.scalar(select(RoundItem.taken).where(RoundItem.variant_id == variant_id))
    return orders, units, taken


@pytest.mark.no_db_transaction
def test_many_buyers_never_oversell_a_rounds_capacity(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "round_race")
    with app.app_context():
        variant_id, group_id = _seed_round(capacity=5)
    with serve(app) as base:
        codes = _race(base, variant_id, group_id, [1] * BUYERS)
    assert not [c for c in codes if c >= 500], codes
    # Five placed (303 to the confirmation); everyone else back to the cart, told.
    assert codes.count(303) == 5, codes
    assert codes.count(302) == BUYERS - 5, codes
    assert _ordered(app, variant_id) == (5, 5, 5)


@pytest.mark.no_db_transaction
def test_buyers_of_different_quantities_fill_the_round_exactly(tmp_path_factory):
    """Carts of 1, 2 and 3 units against 10 places: whatever wins, the units
    ordered never pass 10 and equal what the round counts as taken; with so
    many buyers the round ends full or with fewer left than any cart."""
    app = make_live_app(tmp_path_factory, "round_mix")
    with app.app_context():
        variant_id, group_id = _seed_round(capacity=10)
    quantities = [1 + n % 3 for n in range(BUYERS)]
    with serve(app) as base:
        codes = _race(base, variant_id, group_id, quantities)
    assert not [c for c in codes if c >= 500], codes
    orders, units, taken = _ordered(app, variant_id)
    assert orders == codes.count(303)
    assert units == taken == sum(q for q, c in zip(quantities, codes, strict=True) if c == 303)
    assert 10 - min(quantities) < units <= 10
