"""Ids in URLs larger than any database column are a 404, not a 500."""

from __future__ import annotations

import pytest

from tests.factories import CoordinatorFactory, MembershipFactory

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "path",
    [
        f"/koordinator/produk/{HUGE}",
        f"/koordinator/pameran/{HUGE}",
        f"/koordinator/unggulan/{HUGE}/ubah",
        "/koordinator/produk/2147483648",
    ],
)
def test_coordinator_urls_with_huge_ids(client, login_as, app_ctx, path):
    login_as(CoordinatorFactory(is_operator=True).user)
    assert client.get(path).status_code == 404


def test_group_urls_with_huge_ids(client, login_as, app_ctx):
    membership = MembershipFactory()
    login_as(membership.user)
    slug = membership.group.slug
    for path in (f"/kelola/{slug}/produk/{HUGE}", f"/kelola/{slug}/verifikasi/dokumen/{HUGE}"):
        assert client.get(path).status_code == 404, path
