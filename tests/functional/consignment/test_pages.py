"""Every consignment page opens for a member, ketua or anggota."""

from __future__ import annotations

from datetime import date

import pytest

from shop.consignment import services
from shop.consignment.services import Count, Item
from shop.core.clock import jakarta_today
from shop.extensions import db
from shop.groups.models import Role
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def history(group, outlet, abon, kerupuk):
    today = jakarta_today()
    note = services.leave_goods(
        group, outlet, today, [Item(abon.id, 4, 22000), Item(kerupuk.id, 3, 13000)]
    )
    line = {line.product_name: line for line in note.lines}
    services.record_visit(
        group, outlet, today, [Count(line["Abon Lele"].id, sold=1)], money_received=10000
    )
    db.session.flush()
    return note


def pages(group, outlet):
    base = f"/kelola/{group.slug}/titip"
    return [
        base,
        f"{base}?arsip=1",
        f"{base}/warung/baru",
        f"{base}/warung/{outlet.id}",
        f"{base}/warung/{outlet.id}/ubah",
        f"{base}/warung/{outlet.id}/titip",
        f"{base}/warung/{outlet.id}/kunjungan",
    ]


@pytest.mark.parametrize("role", [Role.LEADER, Role.MEMBER])
def test_every_page_opens_for_ketua_and_anggota(client, login_as, group, outlet, history, role):
    person = MembershipFactory(group=group, role=role, user=UserFactory()).user
    client.post("/keluar")
    login_as(person)
    for url in pages(group, outlet):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "Consignment" in page.get_data(as_text=True) or "Titip" in page.get_data(
            as_text=True
        )


def test_nav_marks_consignment(client, group, outlet):
    html = client.get(f"/kelola/{group.slug}/titip/warung/{outlet.id}").get_data(as_text=True)
    nav = html[html.index('class="manage-nav"') : html.index("</nav>", html.index("manage-nav"))]
    assert f'href="/kelola/{group.slug}/titip" aria-current="page">Consignment<' in nav
    other = client.get(f"/kelola/{group.slug}").get_data(as_text=True)
    nav = other[
        other.index('class="manage-nav"') : other.index("</nav>", other.index("manage-nav"))
    ]
    assert f'href="/kelola/{group.slug}/titip">Consignment<' in nav


def test_logged_out_goes_to_login(client, group, outlet, history):
    client.post("/keluar")
    for url in pages(group, outlet):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/masuk" in response.headers["Location"]
    assert date.today()
