"""Orders of a group built straight from the models, and a logged-in member."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from shop.extensions import db
from shop.groups.models import DeliveryMethod, PaymentMethod, Role
from shop.orders.models import (
    Checkout,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    PaymentStatus,
)
from tests.factories import GroupFactory, MembershipFactory, VariantFactory

_numbers = itertools.count(1)


def make_order(
    group,
    *,
    status: OrderStatus = OrderStatus.PLACED,
    payment_status: PaymentStatus = PaymentStatus.UNPAID,
    delivery: DeliveryMethod = DeliveryMethod.PICKUP,
    payment: PaymentMethod = PaymentMethod.TRANSFER,
    created_at: datetime | None = None,
    lines: list[tuple] | None = None,
    shipping_fee: int | None = 0,
    **fields,
) -> Order:
    """An order of `group`; `lines` are (variant or name, unit price, quantity)."""
    n = next(_numbers)
    checkout = Checkout(token=f"tok-{n}", key=f"key-{n}")
    order = Order(
        number=f"ET-T{n:05d}",
        tracking_token=f"track-{n}",
        checkout=checkout,
        group=group,
        buyer_name=fields.pop("buyer_name", f"Pembeli {n}"),
        buyer_phone=fields.pop("buyer_phone", "+6281311112222"),
        address=fields.pop("address", "Jl. Kenanga 5"),
        delivery_method=delivery,
        payment_method=payment,
        status=status,
        payment_status=payment_status,
        subtotal=0,
        shipping_fee=shipping_fee,
        created_at=created_at or datetime.now(UTC),
        **fields,
    )
    subtotal = 0
    for item, price, quantity in lines or [("Abon Lele", 25000, 2)]:
        if isinstance(item, str):
            line = OrderLine(product_name=item, variant_label="100 g")
        else:
            line = OrderLine(
                variant_id=item.id,
                product_id=item.product_id,
                product_name=item.product.name,
                variant_label=item.label,
                stock_taken=item.stock is not None,
            )
        line.unit_price, line.quantity = price, quantity
        subtotal += price * quantity
        order.lines.append(line)
    order.subtotal = subtotal
    order.events.append(OrderEvent(kind="placed"))
    db.session.add(order)
    db.session.flush()
    return order


@pytest.fixture
def order_factory():
    return make_order


@pytest.fixture
def member(client, login_as):
    """A logged-in ordinary member (anggota) of a group with a courier option,
    reading the site in English (the messages asserted on are the source strings)."""
    membership = MembershipFactory(
        role=Role.MEMBER, group=GroupFactory(offers_courier=True, name="Kelompok Mina Jaya")
    )
    login_as(membership.user)
    client.get("/bahasa/en")
    return membership


@pytest.fixture
def group(member):
    return member.group


@pytest.fixture
def other_group():
    return GroupFactory()


@pytest.fixture
def variant(group):
    return VariantFactory(product__group=group, stock=5, label="250 g")
