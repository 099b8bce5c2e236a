"""Rounds on the public site: the list of rounds taking orders (featured
first), the product and group pages with a round in a fixed number of
statements; coordinators feature rounds of their scope only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.audit.models import AuditAction, AuditEntry
from shop.extensions import db
from shop.groups.models import Programme
from shop.rounds.models import Round
from tests.factories import (
    CoordinatorFactory,
    GroupFactory,
    MembershipFactory,
    UserFactory,
    listed_product,
)
from tests.functional.rounds.conftest import open_cookie_round


@pytest.fixture
def rendered(app):
    app.config["TESTING_NO_PAGE_CACHE"] = True
    yield
    app.config["TESTING_NO_PAGE_CACHE"] = False


def _statements(client, count_queries, url):
    with count_queries() as q:
        assert client.get(url).status_code == 200
    return q.count


def _another_round(n: int, programme=Programme.UPPKA) -> Round:
    group = GroupFactory(name=f"Kelompok Ronde {n}", programme=programme)
    ketua = UserFactory()
    MembershipFactory(group=group, user=ketua)
    product = listed_product(f"Kue {n}", group=group, price=30000, stock=None)
    db.session.commit()
    return open_cookie_round(group, ketua, {product.variants[0]: 10}, title=f"Ronde Kue {n}")


def test_pages_with_a_round_take_a_fixed_number_of_statements(
    client, count_queries, rendered, round_shop
):
    shop = round_shop
    product_url = f"/k/{shop.group.slug}/{shop.nastar.slug}"
    group_url = f"/k/{shop.group.slug}"
    product, group, listing = (
        _statements(client, count_queries, url) for url in (product_url, group_url, "/pre-order")
    )
    for n in range(4):
        _another_round(n)
    assert _statements(client, count_queries, product_url) == product == 2
    assert _statements(client, count_queries, group_url) == group
    assert _statements(client, count_queries, "/pre-order") == listing <= 3
    body = client.get("/pre-order").get_data(as_text=True)
    assert body.count('class="round-title"') == 5


def test_a_coordinator_features_a_round_of_their_scope(client, login_as, rendered, round_shop):
    shop = round_shop
    other = _another_round(9, programme=Programme.JPS_TKM)
    coordinator = CoordinatorFactory(programmes=[Programme.UPPKA])
    db.session.commit()
    login_as(coordinator.user)
    page = client.get("/koordinator/pre-order").get_data(as_text=True)
    assert "Kue Lebaran" in page and other.title not in page
    # Outside the scope: 404, nothing changes.
    assert client.post(f"/koordinator/pre-order/{other.id}/unggulkan").status_code == 404
    assert client.post(f"/koordinator/pre-order/{shop.round.id}/unggulkan").status_code == 303
    assert db.session.get(Round, shop.round.id).featured_at is not None
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == AuditAction.ROUND_FEATURED)
    )
    assert entry.actor_id == coordinator.user.id
    public = client.get("/pre-order").get_data(as_text=True)
    assert public.index("Kue Lebaran") < public.index(other.title)
    assert "Pilihan koordinator" in public
    client.post(f"/koordinator/pre-order/{shop.round.id}/lepas")
    assert db.session.get(Round, shop.round.id).featured_at is None
