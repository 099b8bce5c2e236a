"""The marketing kit page: the group's short links and QR codes, for its members."""

from __future__ import annotations

import re

from shop.catalogue.models import ProductStatus
from shop.db import utcnow
from shop.groups.models import Role
from tests.factories import MembershipFactory, ProductFactory, UserFactory, VariantFactory

BASE = "http://etalase.test"


def _kit(group):
    return f"/kelola/{group.slug}/promosi"


def test_a_member_sees_the_shop_link_qr_and_product_links(client, login_as):
    membership = MembershipFactory(role=Role.MEMBER)
    group = membership.group
    published = VariantFactory(product__group=group, product__name="Abon Lele Pedas").product
    draft = ProductFactory(group=group, name="Kerupuk Draf", status=ProductStatus.DRAFT)
    hidden = ProductFactory(group=group, name="Abon Tersembunyi", hidden_at=utcnow())
    login_as(membership.user)

    response = client.get(_kit(group))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'value="{BASE}/s/{group.short_code}"' in html
    assert '<svg role="img"' in html and "<title>" in html
    assert f"/s/{group.short_code}/qr.svg?unduh=1" in html
    assert f"/s/{group.short_code}/qr.png?unduh=1" in html
    assert "Abon Lele Pedas" in html
    assert f"{BASE}/s/{published.short_code}" in html
    assert f"/s/{published.short_code}/qr.png?unduh=1" in html
    for other in (draft, hidden):
        assert other.name not in html and other.short_code not in html
    assert 'aria-current="page"' in html and "style=" not in html and "<script>" not in html


def test_the_kit_page_is_in_the_group_nav(client, login_as):
    membership = MembershipFactory()
    login_as(membership.user)
    html = client.get(f"/kelola/{membership.group.slug}").get_data(as_text=True)
    assert f'href="{_kit(membership.group)}"' in html


def test_the_inline_qr_is_the_shop_link(client, login_as, app):
    """The preview and the file show the same code (same URL, same matrix)."""
    import segno

    membership = MembershipFactory()
    login_as(membership.user)
    html = client.get(_kit(membership.group)).get_data(as_text=True)
    expected = segno.make(f"{BASE}/s/{membership.group.short_code}", error="m", micro=False)
    path = re.search(r'<path class="qrline"[^>]* d="([^"]+)"', html).group(1)
    assert path in expected.svg_inline(border=2, omitsize=True)


def test_non_members_get_404_and_visitors_log_in(client, login_as):
    membership = MembershipFactory()
    assert client.get(_kit(membership.group)).status_code == 302
    login_as(UserFactory())
    assert client.get(_kit(membership.group)).status_code == 404


def test_the_page_runs_a_fixed_number_of_queries(client, login_as, count_queries):
    membership = MembershipFactory()
    group = membership.group
    url = _kit(group)
    login_as(membership.user)
    VariantFactory(product__group=group)
    client.get(url)
    with count_queries() as one:
        assert client.get(url).status_code == 200
    for _ in range(7):
        VariantFactory(product__group=group)
    with count_queries() as eight:
        html = client.get(url).get_data(as_text=True)
    assert html.count("qr.png?unduh=1") == 9
    assert eight.count == one.count == 5, "\n\n".join(eight.statements)
