"""The header's first link (issue 15): "Jual di Etalase" for everyone not in
a group, their groups for a member, the coordinators' pages for a
coordinator; the same on a page the cache fills as on one Flask renders."""

from __future__ import annotations

import re

import pytest

from shop.extensions import db
from tests.factories import PASSWORD, CoordinatorFactory, MembershipFactory, UserFactory

PAGES = ("/", "/katalog", "/keranjang")  # cached and filled, cached and filled, rendered


def _first_link(body: str) -> tuple[str, str]:
    found = re.search(r'<a class="nav-first[^"]*" href="([^"]+)">([^<]+)</a>', body)
    assert found, body
    return found.group(1), found.group(2)


def _browser(app, user):
    browser = app.test_client()
    if user is not None:
        response = browser.post("/masuk", data={"login": user.phone, "password": PASSWORD})
        assert response.status_code == 302
    return browser


@pytest.fixture
def people(app_ctx):
    found = {
        "guest": None,
        "account": UserFactory(),
        "member": MembershipFactory().user,
        "coordinator": CoordinatorFactory().user,
    }
    db.session.commit()
    return found


@pytest.mark.parametrize(
    ("who", "first"),
    [
        ("guest", ("/daftar", "Jual di Etalase")),
        ("account", ("/kelola", "Jual di Etalase")),
        ("member", ("/kelola", "Kelompok saya")),
        ("coordinator", ("/koordinator/", "Koordinator")),
    ],
)
def test_the_first_link_of_each_person(app, people, who, first):
    browser = _browser(app, people[who])
    anonymous = app.test_client()
    for path in PAGES:
        anonymous.get(path)  # stores the public pages for the cache to fill
        for _ in range(2):
            body = browser.get(path).get_data(as_text=True)
            assert _first_link(body) == first, path
            assert ("Jual di Etalase" in body) == (first[1] == "Jual di Etalase")


def test_in_english_it_is_sell_on_etalase(app, people):
    browser = _browser(app, None)
    browser.set_cookie("lang", "en")
    assert _first_link(browser.get("/katalog").get_data(as_text=True)) == (
        "/daftar",
        "Sell on Etalase",
    )


def test_the_page_cache_still_fills_a_login_with_one_statement(app, people, count_queries):
    member = _browser(app, people["member"])
    app.test_client().get("/katalog")
    member.get("/katalog")
    with count_queries() as q:
        body = member.get("/katalog").get_data(as_text=True)
    assert q.count <= 1 and _first_link(body) == ("/kelola", "Kelompok saya")
