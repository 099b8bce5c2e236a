"""A logged-in member of a group with two products, and an outlet."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from shop.catalogue.models import Variant
from shop.catalogue.services import refresh_derived
from shop.consignment.models import Consignment
from shop.core.clock import jakarta_today
from shop.extensions import db
from shop.groups.models import Role
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    OutletFactory,
    ProductFactory,
    VariantFactory,
)


@pytest.fixture
def member(client, login_as):
    """An ordinary member (anggota), reading the site in English (the messages
    asserted on are the source strings)."""
    membership = MembershipFactory(role=Role.MEMBER, group=GroupFactory(name="Kelompok Mina Jaya"))
    login_as(membership.user)
    client.get("/bahasa/en")
    return membership


@pytest.fixture
def group(member):
    return member.group


@pytest.fixture
def abon(group):
    """Ready stock with a 30-day shelf life: 10 units."""
    product = ProductFactory(group=group, name="Abon Lele", shelf_life_days=30)
    variant = VariantFactory(product=product, label="100 g", price=25000, stock=10)
    refresh_derived(product)
    db.session.flush()
    return variant


@pytest.fixture
def kerupuk(group):
    """Made to order: no stock."""
    product = ProductFactory(group=group, name="Kerupuk Lele")
    variant = VariantFactory(product=product, label="250 g", price=15000, stock=None)
    refresh_derived(product)
    db.session.flush()
    return variant


@pytest.fixture
def outlet(group):
    return OutletFactory(group=group, name="Warung Bu Sari", visit_every_days=7)


@pytest.fixture
def other_group():
    return GroupFactory(name="Kelompok Lain")


def stock_of(variant) -> int | None:
    db.session.expire_all()
    return db.session.get(Variant, variant.id).stock


def text_of(html: str) -> str:
    """The page's text with tags dropped and spaces squeezed, for assertions
    that should not depend on markup."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def leave(client, outlet, variant, quantity: int, unit_price: int = 20000) -> Consignment:
    """Leave `quantity` of `variant` at `outlet` today through the form; the
    outlet's newest note."""
    response = client.post(
        f"/kelola/{outlet.group.slug}/titip/warung/{outlet.id}/titip",
        data={
            "left_on": jakarta_today().isoformat(),
            f"item-{variant.id}-quantity": str(quantity),
            f"item-{variant.id}-unit_price": str(unit_price),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(
        select(Consignment)
        .where(Consignment.outlet_id == outlet.id)
        .order_by(Consignment.id.desc())
    ).first()
