"""Coordinators with different scopes, and the groups they may or may not see.

`jambi_uppka` covers UPPKA groups in Jambi (province 15); `other_programme`
covers JPS TKM everywhere; `operator` sees everything. `group_in_scope` is an
UPPKA group in Jambi, `group_out_of_scope` a JPS TKM group in Jawa Barat.
"""

from __future__ import annotations

import pytest

from shop.groups.models import Programme
from tests.factories import CoordinatorFactory, GroupFactory, MembershipFactory


@pytest.fixture
def jambi_uppka(app_ctx):
    return CoordinatorFactory(programmes=[Programme.UPPKA], regions=["15"])


@pytest.fixture
def other_programme(app_ctx):
    return CoordinatorFactory(programmes=[Programme.JPS_TKM])


@pytest.fixture
def operator(app_ctx):
    return CoordinatorFactory(is_operator=True, organisation="Operator Etalase")


@pytest.fixture
def group_in_scope(app_ctx):
    return GroupFactory(
        name="Kelompok UPPKA Sejahtera",
        programme=Programme.UPPKA,
        province_code="15",
        regency_code="15.71",
        district_code=None,
    )


@pytest.fixture
def group_out_of_scope(app_ctx):
    return GroupFactory(
        name="Kelompok JPS Bandung",
        programme=Programme.JPS_TKM,
        province_code="32",
        regency_code="32.73",
        district_code=None,
    )


@pytest.fixture
def leader_of(app_ctx):
    """`leader_of(group)`: a new ketua of the group (a User)."""

    def make(group):
        return MembershipFactory(group=group).user

    return make


@pytest.fixture
def as_coordinator(client, login_as):
    """`as_coordinator(coordinator)` logs the client in as that coordinator."""

    def login(coordinator):
        login_as(coordinator.user)
        return coordinator

    return login
