"""Finding an order by its number and phone, however the number was typed."""

from __future__ import annotations

import pytest

from shop.extensions import db
from tests.factories import transfer_order


@pytest.fixture
def order():
    order = transfer_order()
    order.number = "ET-BGD515"
    db.session.flush()
    return order


def look_up(client, number: str, phone: str = "0813-1111-2222"):
    return client.post("/lacak", data={"number": number, "phone": phone})


@pytest.mark.parametrize(
    "typed",
    [
        "ET-BGD515",
        "ET BGD515",
        "et-bgd515",
        " ET–BGD515 ",
        "et — bgd 515",
        "BGD515",
        "ET-BGD5I5",
        "ET BGD 515",
        "#ET-BGD515",
        "“ET-BGD515”",
        "ET.BGD.515",
        "ET:BGD515",
        "ET-\u200bBGD515",  # a zero-width space pasted from a chat
        "  E T  -  B G D  5 1 5  ",  # longer than the number itself
    ],
)
def test_the_number_is_found_however_it_was_typed(client, order, typed):
    found = look_up(client, typed)
    assert found.status_code == 303
    assert found.headers["Location"] == f"/lacak/ET-BGD515/{order.tracking_token}"


@pytest.mark.parametrize(
    ("typed", "phone"),
    [("ET-BGD516", "0813-1111-2222"), ("ET BGD515", "0813-1111-2223"), ("   ", "0813-1111-2222")],
)
def test_a_wrong_number_or_phone_finds_nothing(client, order, typed, phone):
    client.set_cookie("lang", "en")
    missed = look_up(client, typed, phone)
    assert missed.status_code == 200
    assert "No order matches this number and phone" in missed.get_data(as_text=True)


def test_the_page_says_how_the_number_may_be_typed(client):
    page = client.get("/lacak").get_data(as_text=True)
    assert 'maxlength="40"' in page
    assert "Spasi, tanda hubung, dan huruf besar/kecil tidak masalah." in page
