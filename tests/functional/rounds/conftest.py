"""A group with a ketua and a pre-order round of cookies in two jar sizes
(made to order), opened through the service as the form does; a buyer's
checkout through the pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from shop.catalogue.models import Product, Variant
from shop.core.clock import jakarta_today
from shop.extensions import db
from shop.groups.models import Group
from shop.rounds.models import Round
from shop.rounds.services import RoundDetails, open_round
from tests.factories import GroupFactory, MembershipFactory, UserFactory, listed_product

ORIGIN = {"Origin": "http://localhost"}


@dataclass
class RoundShop:
    group: Group
    ketua: object
    nastar: Product
    small: Variant
    large: Variant
    abon: Product
    round: Round


def open_cookie_round(
    group, ketua, variants: dict, *, last_day: date | None = None, title="Kue Lebaran"
) -> Round:
    today = jakarta_today()
    last_day = last_day or today + timedelta(days=3)
    made = open_round(
        group,
        RoundDetails(
            title=title,
            description="Nastar dan kastengel buatan ibu-ibu.",
            last_order_day=last_day,
            ready_on=last_day + timedelta(days=5),
            handover="Ambil di rumah Bu Ani, Jl. Kenanga 5",
        ),
        {v.id: n for v, n in variants.items()},
        today=today,
        by=ketua,
    )
    db.session.commit()
    return made


@pytest.fixture
def round_shop() -> RoundShop:
    group = GroupFactory(name="Kelompok Kue Ibu", slug="kelompok-kue-ibu")
    ketua = UserFactory(name="Bu Ani", email="ani@example.id")
    MembershipFactory(group=group, user=ketua)
    nastar = listed_product(
        "Kue Nastar",
        group=group,
        variants=[
            {"label": "Toples 250 g", "price": 45000, "stock": None, "position": 0},
            {"label": "Toples 500 g", "price": 80000, "stock": None, "position": 1},
        ],
    )
    abon = listed_product("Abon Lele", group=group, price=25000, stock=10)
    db.session.commit()
    small, large = nastar.variants
    made = open_cookie_round(group, ketua, {small: 5, large: 3})
    return RoundShop(group, ketua, nastar, small, large, abon, made)


def field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    assert match, name
    return match.group(1).replace("&#34;", '"')


def buy(
    client,
    group,
    quantities: dict,
    *,
    name="Bu Sari",
    email="sari@example.id",
    phone="0812-3456-7890",
):
    """A guest puts `quantities` (variant -> units) in the cart and places the
    order (pickup, cash); the checkout POST's answer."""
    for variant, quantity in quantities.items():
        added = client.post(
            "/keranjang/tambah",
            data={"variant": str(variant.id), "quantity": str(quantity)},
            headers=ORIGIN,
            csrf=False,
        )
        assert added.status_code == 302
    page = client.get("/checkout").get_data(as_text=True)
    return client.post(
        "/checkout",
        data={
            "cart_id": field(page, "cart_id"),
            "cart_version": field(page, "cart_version"),
            "quoted": field(page, "quoted"),
            "name": name,
            "phone": phone,
            "email": email,
            "province": "15",
            "regency": "15.71",
            "address": "Jl. Melati 3",
            f"delivery-{group.id}": "pickup",
            f"payment-{group.id}": "cash",
        },
    )
