"""After logging in, each person lands on the home of what they do here,
not on "You are not in a group yet" (issue 15); a safe `next` still wins."""

from __future__ import annotations

import pytest

from shop.extensions import db
from shop.groups.models import Role
from tests.factories import (
    PASSWORD,
    CoordinatorFactory,
    GroupFactory,
    MembershipFactory,
    OrderFactory,
    UserFactory,
)

NOT_IN_A_GROUP = "Anda belum tergabung"


def _log_in(client, user, next_path=None):
    url = "/masuk" if next_path is None else f"/masuk?next={next_path}"
    response = client.post(url, data={"login": user.phone, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def _landing(client, user, next_path=None):
    """Where the log-in sends the person, and the text of that page."""
    location = _log_in(client, user, next_path)
    page = client.get(location)
    assert page.status_code == 200, location
    return location, page.get_data(as_text=True)


@pytest.fixture
def people(app_ctx):
    sekar = GroupFactory(name="UPPKA Sekar Melati", slug="sekar-melati")
    mina = GroupFactory(name="Kelompok Mina Sejahtera", slug="mina-sejahtera")
    one = MembershipFactory(group=sekar, user=UserFactory(name="Rahmawati")).user
    several = UserFactory(name="Nur Aisyah")
    MembershipFactory(group=sekar, user=several, role=Role.MEMBER)
    MembershipFactory(group=mina, user=several, role=Role.MEMBER)
    coordinator = CoordinatorFactory(user=UserFactory(name="Yuliana Siregar")).user
    # A coordinator who is also in a group still lands on the coordinators' pages.
    MembershipFactory(group=mina, user=coordinator, role=Role.MEMBER)
    operator = CoordinatorFactory(is_operator=True, user=UserFactory(name="Hendra")).user
    buyer = UserFactory(name="Pembeli Setia")
    OrderFactory(group=mina, buyer_id=buyer.id)
    new = UserFactory(name="Baru Daftar")
    db.session.commit()
    return {
        "one": one,
        "several": several,
        "coordinator": coordinator,
        "operator": operator,
        "buyer": buyer,
        "new": new,
    }


@pytest.mark.parametrize("who", ["coordinator", "operator"])
def test_coordinators_and_the_operator_land_on_the_coordinators_overview(client, people, who):
    location, body = _landing(client, people[who])
    assert location == "/koordinator/"
    assert "Ringkasan koordinator" in body and NOT_IN_A_GROUP not in body


def test_a_member_of_one_group_lands_on_its_page(client, people):
    location, body = _landing(client, people["one"])
    assert location == "/kelola/sekar-melati"
    assert "UPPKA Sekar Melati" in body and NOT_IN_A_GROUP not in body


def test_a_member_of_several_groups_lands_on_the_choice(client, people):
    location, body = _landing(client, people["several"])
    assert location == "/kelola"
    assert 'href="/kelola/sekar-melati"' in body and 'href="/kelola/mina-sejahtera"' in body
    assert NOT_IN_A_GROUP not in body


def test_a_buyer_lands_on_their_orders(client, people):
    location, body = _landing(client, people["buyer"])
    assert location == "/akun/pesanan"
    assert "Kelompok Mina Sejahtera" in body


def test_an_account_with_nothing_yet_lands_where_a_group_is_made(client, people):
    location, body = _landing(client, people["new"])
    assert location == "/kelola"
    assert NOT_IN_A_GROUP in body and 'href="/kelola/kelompok-baru"' in body


@pytest.mark.parametrize("who", ["one", "several", "coordinator", "operator", "buyer", "new"])
def test_a_safe_next_wins_for_everyone(client, people, who):
    assert _log_in(client, people[who], "/keranjang%3Fx%3D1") == "/keranjang?x=1"


@pytest.mark.parametrize("bad", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_an_unsafe_next_gives_the_persons_home(client, people, bad):
    assert _log_in(client, people["coordinator"], bad) == "/koordinator/"


def test_the_log_in_page_sends_someone_logged_in_home(client, people):
    _log_in(client, people["one"])
    assert client.get("/masuk").headers["Location"] == "/kelola/sekar-melati"
    assert client.get("/masuk?next=/katalog").headers["Location"] == "/katalog"
