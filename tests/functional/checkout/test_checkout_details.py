"""The buyer's details on the checkout page: a guest's blank form is drawn once
per language and kept (shop.checkout.views._details); whatever a buyer typed,
the errors and a member's own details are never served to anyone else."""

from __future__ import annotations

import re

import pytest

from shop.catalogue.services import refresh_derived
from tests.factories import GroupFactory, ProductFactory, UserFactory, VariantFactory

ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
def variant():
    product = ProductFactory(group=GroupFactory(name="Kelompok Abon"), name="Abon Lele")
    variant = VariantFactory(product=product, price=25000, stock=10, min_order_qty=1)
    refresh_derived(product)
    return variant


def _with_cart(client, variant):
    response = client.post(
        "/keranjang/tambah", data={"variant": str(variant.id), "quantity": "1"}, headers=ORIGIN
    )
    assert response.status_code == 302


def _details(page: str) -> str:
    return page[page.index('<fieldset class="checkout-details">') : page.index("checkout-summary")]


def _value(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert match, name
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else None


def _hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1).replace("&#34;", '"')


def test_guests_see_the_same_blank_details_each_time(app, variant):
    pages = []
    for _ in range(2):
        client = app.test_client()
        _with_cart(client, variant)
        pages.append(client.get("/checkout").get_data(as_text=True))
    first, second = pages
    assert _details(first) == _details(second)
    assert "Nama Anda" in _details(first) and "Pilih provinsi" in _details(first)
    assert _value(first, "name") in (None, "")
    # Each page still carries its own cart and token.
    assert _hidden(first, "cart_id") != _hidden(second, "cart_id")


def test_the_blank_details_follow_the_language(app, variant):
    client = app.test_client()
    _with_cart(client, variant)
    indonesian = _details(client.get("/checkout").get_data(as_text=True))
    english = _details(client.get("/checkout?hl=en").get_data(as_text=True))
    assert "Nama Anda" in indonesian and "Your name" not in indonesian
    assert "Your name" in english and "Nama Anda" not in english


def test_a_members_details_and_a_buyers_mistakes_stay_theirs(app, client, login_as, variant):
    guest = app.test_client()
    _with_cart(guest, variant)
    blank = guest.get("/checkout").get_data(as_text=True)  # kept now

    member = UserFactory(name="Bu Ratna", phone="+6285712345678", email="ratna@example.id")
    login_as(member)
    _with_cart(client, variant)
    own = client.get("/checkout").get_data(as_text=True)
    assert _value(own, "name") == "Bu Ratna" and _value(own, "email") == "ratna@example.id"

    page = guest.get("/checkout").get_data(as_text=True)
    form = {
        "csrf_token": _hidden(page, "csrf_token"),
        "cart_id": _hidden(page, "cart_id"),
        "cart_version": _hidden(page, "cart_version"),
        "quoted": _hidden(page, "quoted"),
        "name": "Pak Budi",
        "phone": "0812-3456-7890",
        "email": "bukan-email",
        "province": "15",
        "regency": "15.71",
    }
    refused = guest.post("/checkout", data=form)
    assert refused.status_code == 200
    refused_page = refused.get_data(as_text=True)
    assert _value(refused_page, "name") == "Pak Budi"
    assert 'aria-invalid="true"' in _details(refused_page)
    assert re.search(r'<option selected value="15"|<option value="15" selected', refused_page)

    again = app.test_client()
    _with_cart(again, variant)
    later = again.get("/checkout").get_data(as_text=True)
    assert _details(later) == _details(blank)
    assert "Bu Ratna" not in later and "Pak Budi" not in later
