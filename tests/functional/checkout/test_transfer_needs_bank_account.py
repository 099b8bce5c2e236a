"""A group that accepts bank transfer but has given no bank account: buyers
are not offered transfer (they would not know where to send the money), a
group that can then take no payment at all cannot be ordered from (one
already in a cart is refused at checkout; shop.groups.ordering keeps it out
of carts, tests/functional/catalogue/test_groups_taking_orders.py), and the
group's home page and settings say so with the way to fix it. The demo
groups stay orderable."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shop.catalogue.services import refresh_derived
from shop.demo.data import GROUPS
from shop.extensions import db
from shop.groups.models import Role
from shop.orders.models import Order
from tests.factories import (
    BankAccountFactory,
    GroupFactory,
    MembershipFactory,
    ProductFactory,
    VariantFactory,
)
from tests.functional.checkout.test_cart_and_checkout import ORIGIN, add, checkout_form

NOTICE = "Buyers cannot pay you by bank transfer yet."
CLOSED = "Buyers cannot order from your shop yet."


def in_cart(client, group):
    variant = VariantFactory(product=ProductFactory(group=group), price=20000, stock=5)
    refresh_derived(variant.product)
    client.get("/bahasa/en")
    add(client, variant, 1, **ORIGIN)
    return client.get("/checkout").get_data(as_text=True)


def place(client, page: str, group, payment: str | None):
    data = checkout_form(page, **{f"delivery-{group.id}": "pickup"})
    if payment:
        data[f"payment-{group.id}"] = payment
    return client.post("/checkout", data=data)


def orders_of(group) -> int:
    return db.session.scalar(select(func.count(Order.id)).where(Order.group_id == group.id))


def test_no_transfer_without_a_bank_account(client):
    group = GroupFactory(bank_account=None, accepts_transfer=True, accepts_cash=True)
    page = in_cart(client, group)
    assert f'name="payment-{group.id}" value="cash"' in page
    assert f'name="payment-{group.id}" value="transfer"' not in page

    refused = place(client, page, group, "transfer")
    assert refused.status_code == 200
    assert f"{group.name} does not accept this payment." in refused.get_data(as_text=True)
    assert orders_of(group) == 0

    placed = place(client, page, group, "cash")
    assert placed.status_code == 303
    assert orders_of(group) == 1


def test_transfer_is_offered_once_the_group_has_an_account(client):
    group = GroupFactory(bank_account=None, accepts_transfer=True, accepts_cash=False)
    BankAccountFactory(group=group)
    page = in_cart(client, group)
    assert f'name="payment-{group.id}" value="transfer"' in page
    assert "cannot take payment yet" not in client.get("/keranjang").get_data(as_text=True)


def test_a_group_that_takes_only_transfer_and_has_no_account_cannot_be_ordered_from(client):
    # In the cart while the group had an account; then it removed it.
    group = GroupFactory(bank_account=None, accepts_transfer=True, accepts_cash=False)
    account = BankAccountFactory(group=group)
    in_cart(client, group)
    db.session.delete(account)
    db.session.commit()
    page = client.get("/checkout").get_data(as_text=True)
    message = (
        f"{group.name} cannot take payment yet. "
        "Remove its products from your cart to order the rest."
    )
    assert message in page
    assert f'name="payment-{group.id}"' not in page
    # The cart says so already.
    assert message in client.get("/keranjang").get_data(as_text=True)

    for payment in (None, "transfer"):
        refused = place(client, page, group, payment)
        assert refused.status_code == 200
        assert message in refused.get_data(as_text=True)
    assert orders_of(group) == 0


@pytest.mark.parametrize("role", [Role.LEADER, Role.MEMBER])
def test_the_group_is_told_on_its_home_page_and_settings(client, login_as, role):
    group = GroupFactory(bank_account=None)
    membership = MembershipFactory(group=group, role=role)
    login_as(membership.user)
    client.get("/bahasa/en")
    home = client.get(f"/kelola/{group.slug}").get_data(as_text=True)
    assert NOTICE in home
    link = f'href="/kelola/{group.slug}/rekening"'
    if role is Role.LEADER:
        assert f'<a class="button" {link}>Add a bank account</a>' in home
        for path in ("profil", "rekening"):
            assert NOTICE in client.get(f"/kelola/{group.slug}/{path}").get_data(as_text=True)
    else:
        assert "Ask your ketua to add the group’s bank account" in home


def test_transfer_only_says_the_shop_takes_no_orders(client, login_as):
    group = GroupFactory(bank_account=None, accepts_cash=False)
    login_as(MembershipFactory(group=group).user)
    client.get("/bahasa/en")
    assert CLOSED in client.get(f"/kelola/{group.slug}").get_data(as_text=True)


def test_no_notice_with_an_account_or_without_transfer(client, login_as):
    with_account = GroupFactory()
    no_transfer = GroupFactory(bank_account=None, accepts_transfer=False)
    for group in (with_account, no_transfer):
        login_as(MembershipFactory(group=group).user)
        client.get("/bahasa/en")
        for path in ("", "/profil"):
            page = client.get(f"/kelola/{group.slug}{path}").get_data(as_text=True)
            assert NOTICE not in page and CLOSED not in page


def test_every_demo_group_that_takes_transfers_has_a_bank_account():
    for demo in GROUPS:
        if demo.profile.accepts_transfer:
            assert demo.bank_accounts, demo.profile.name
