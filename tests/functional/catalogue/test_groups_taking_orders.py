"""What a buyer is told about paying and ordering from a group is what
checkout will let them do (shop.groups.ordering): the group page lists the
ways they can pay, no more; the product page of a group that takes no
orders now says so instead of offering "Add to cart", and an add sent
anyway is refused with the reason."""

from __future__ import annotations

import re

import pytest

from shop.extensions import db
from shop.groups.services import add_bank_account
from tests.factories import BankAccountFactory, GroupFactory, listed_product
from tests.functional.checkout.test_cart_and_checkout import ORIGIN, add

LABELS = {
    "transfer": "Bank transfer",
    "cash": "Cash on delivery / pay at pickup",
    "card": "Card",
}
NOT_TAKING = "is not taking orders right now"
CARD_KEYS = {"STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_WEBHOOK_SECRET": "whsec_x"}


@pytest.fixture
def rendered(app):
    """Every request renders the page (the page cache is off)."""
    app.config["TESTING_NO_PAGE_CACHE"] = True
    yield
    app.config["TESTING_NO_PAGE_CACHE"] = False


@pytest.fixture
def english(client):
    client.get("/bahasa/en")


def group_page_payments(client, group) -> list[str]:
    """The ways to pay the group page lists (none: no "Payment" row)."""
    html = client.get(f"/k/{group.slug}").get_data(as_text=True)
    found = re.search(r"<dt>Payment</dt><dd>([^<]*)</dd>", html)
    return found.group(1).split(", ") if found else []


def checkout_payments(client, group) -> list[str]:
    """The ways to pay the group checkout offers, its product in the cart."""
    html = client.get("/checkout").get_data(as_text=True)
    values = re.findall(rf'name="payment-{group.id}" value="([a-z]+)"', html)
    return [LABELS[v] for v in values]


@pytest.mark.parametrize(
    ("flags", "account", "card_on", "expected"),
    [
        ({"accepts_transfer": True, "accepts_cash": True}, False, False, ["cash"]),
        ({"accepts_transfer": True, "accepts_cash": True}, True, False, ["transfer", "cash"]),
        ({"accepts_transfer": True, "accepts_card": True}, False, False, []),
        ({"accepts_cash": True, "accepts_card": True}, False, False, ["cash"]),
        ({"accepts_cash": True, "accepts_card": True}, False, True, ["cash", "card"]),
        ({"accepts_transfer": True, "accepts_card": True}, True, True, ["transfer", "card"]),
    ],
    ids=[
        "transfer-no-account",
        "transfer-with-account",
        "transfer-card-neither-usable",
        "card-not-enabled",
        "card-enabled",
        "transfer-and-card",
    ],
)
def test_the_group_page_lists_the_ways_checkout_offers(
    app, client, rendered, english, monkeypatch, flags, account, card_on, expected
):
    if card_on:
        for key, value in CARD_KEYS.items():
            monkeypatch.setitem(app.config, key, value)
    every = {"accepts_transfer": False, "accepts_cash": False, "accepts_card": False}
    group = GroupFactory(bank_account=None, **{**every, **flags})
    if account:
        BankAccountFactory(group=group)
    product = listed_product("Keripik Pisang", group=group)
    db.session.commit()

    listed = group_page_payments(client, group)
    assert listed == [LABELS[m] for m in expected]

    added = add(client, product.variants[0], 1, **ORIGIN)
    if expected:
        cart = client.get(added.headers["Location"]).text
        assert "is in your cart" in cart and "Keripik Pisang" in cart
        assert checkout_payments(client, group) == listed
        assert NOT_TAKING not in client.get(f"/k/{group.slug}").text
    else:
        # No way to pay: the group page says it takes no orders, and its
        # product stays out of the cart.
        assert f"{group.name} {NOT_TAKING}" in client.get(f"/k/{group.slug}").text
        assert "Your cart is empty" in client.get("/keranjang").text


def test_the_group_page_lists_transfer_once_an_account_is_added(client, english):
    """Through the page cache and the kept fragment of the page's head."""
    group = GroupFactory(bank_account=None, accepts_transfer=True, accepts_cash=True)
    listed_product("Keripik Pisang", group=group)
    db.session.commit()
    assert group_page_payments(client, group) == [LABELS["cash"]]

    add_bank_account(group, "BRI", "0123456789", group.name)
    db.session.commit()

    assert group_page_payments(client, group) == [LABELS["transfer"], LABELS["cash"]]


@pytest.mark.parametrize(
    "flags",
    [
        {"accepts_transfer": True, "accepts_cash": False},
        {"accepts_transfer": False, "accepts_cash": False, "accepts_card": True},
    ],
    ids=["transfer-only-no-account", "card-only-card-off"],
)
def test_a_group_taking_no_orders_says_so_on_the_product_page_and_refuses_adds(
    client, rendered, english, flags
):
    group = GroupFactory(bank_account=None, **flags)
    product = listed_product("Keripik Pisang", group=group)
    db.session.commit()
    url = f"/k/{group.slug}/{product.slug}"

    page = client.get(url).text
    assert f"{group.name} is not taking orders right now, so this product cannot be put" in page
    assert "Add to cart" not in page and 'action="/keranjang/tambah"' not in page
    assert '"availability":"https://schema.org/OutOfStock"' in page

    # Sent anyway (an old page, a script): refused, with the reason, on the product page.
    refused = add(client, product.variants[0], 1, Referer=f"http://localhost{url}", **ORIGIN)
    assert refused.status_code == 302 and refused.headers["Location"].endswith(url)
    shown = client.get(refused.headers["Location"]).text
    assert f"{group.name} is not taking orders right now, so its products cannot be put" in shown
    assert "Your cart is empty" in client.get("/keranjang").text


def test_indonesian_first(client, rendered):
    group = GroupFactory(bank_account=None, accepts_transfer=True, accepts_cash=False)
    product = listed_product("Keripik Pisang", group=group)
    db.session.commit()
    page = client.get(f"/k/{group.slug}/{product.slug}").text
    assert f"{group.name} sedang tidak menerima pesanan" in page
    assert "Tambah ke keranjang" not in page
    group_page = client.get(f"/k/{group.slug}").text
    assert f"{group.name} sedang tidak menerima pesanan. Anda bisa melihat produknya" in group_page
    assert "Transfer bank" not in group_page


def test_a_group_taking_orders_offers_add_to_cart(client, rendered, english):
    product = listed_product("Keripik Pisang")
    db.session.commit()
    page = client.get(f"/k/{product.group.slug}/{product.slug}").text
    assert "Add to cart" in page and NOT_TAKING not in page
    assert '"availability":"https://schema.org/InStock"' in page


def test_the_product_page_asks_no_more_statements_of_a_group_taking_no_orders(
    client, rendered, count_queries
):
    taking = listed_product("Abon Lele")
    closed = listed_product("Abon Patin", group=GroupFactory(bank_account=None, accepts_cash=False))
    db.session.commit()
    urls = [f"/k/{p.group.slug}/{p.slug}" for p in (taking, closed)]
    counts = []
    for url in urls:
        with count_queries() as q:
            assert client.get(url).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1] <= 2
