"""Orders of a group (`order_factory`, the shared `make_order`), and a logged-in member."""

from __future__ import annotations

import pytest

from shop.groups.models import Role
from tests.factories import GroupFactory, MembershipFactory, VariantFactory, make_order


@pytest.fixture
def order_factory():
    return make_order


@pytest.fixture
def member(client, login_as):
    """A logged-in ordinary member (anggota) of a group with a courier option,
    reading the site in English (the messages asserted on are the source strings)."""
    membership = MembershipFactory(
        role=Role.MEMBER, group=GroupFactory(offers_courier=True, name="Kelompok Mina Jaya")
    )
    login_as(membership.user)
    client.get("/bahasa/en")
    return membership


@pytest.fixture
def group(member):
    return member.group


@pytest.fixture
def other_group():
    return GroupFactory()


@pytest.fixture
def variant(group):
    return VariantFactory(product__group=group, stock=5, label="250 g")
