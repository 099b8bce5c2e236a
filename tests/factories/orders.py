"""Orders: a checkout and the order placed through it, with its lines and
its timeline, built straight from the models (no stock is taken)."""

from __future__ import annotations

import factory

from shop.extensions import db
from shop.groups.models import DeliveryMethod, PaymentMethod
from shop.notify.push import generate_vapid_keys
from shop.orders.models import (
    Checkout,
    Order,
    OrderEvent,
    OrderLine,
    OrderPushSubscription,
    OrderStatus,
    PaymentStatus,
)
from tests.factories.base import Base
from tests.factories.groups import GroupFactory


class CheckoutFactory(Base):
    class Meta:
        model = Checkout

    token = factory.Sequence(lambda n: f"tok-{n}")
    key = factory.Sequence(lambda n: f"key-{n}")


def order_line(item, price: int, quantity: int) -> OrderLine:
    """A line of `quantity` × `price` of `item`: a variant (its stock counted
    as taken when it tracks stock) or a product name (a 100 g pack)."""
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
    return line


class OrderFactory(Base):
    """An order of a group, placed and waiting for a bank transfer.

    `lines` are OrderLines or (variant or product name, unit price, quantity)
    tuples, two packs of Abon Lele at Rp25.000 unless given; `subtotal` is
    their sum unless given. `events` are the kinds on its timeline.
    """

    class Meta:
        model = Order

    checkout = factory.SubFactory(CheckoutFactory)
    number = factory.Sequence(lambda n: f"ET-T{n:05d}")
    tracking_token = factory.Sequence(lambda n: f"track-{n}")
    group = factory.SubFactory(GroupFactory)
    buyer_name = factory.Sequence(lambda n: f"Pembeli {n}")
    buyer_phone = "+6281311112222"
    address = "Jl. Kenanga 5"
    delivery_method = DeliveryMethod.PICKUP
    payment_method = PaymentMethod.TRANSFER
    status = OrderStatus.PLACED
    payment_status = PaymentStatus.UNPAID
    shipping_fee = 0
    subtotal = None
    lines = (("Abon Lele", 25000, 2),)
    events = ("placed",)

    @classmethod
    def _create(cls, model_class, *args, lines=(), events=(), **fields):
        order = model_class(*args, **fields)
        for line in lines or ():
            order.lines.append(line if isinstance(line, OrderLine) else order_line(*line))
        if order.subtotal is None:
            order.subtotal = sum(line.unit_price * line.quantity for line in order.lines)
        for kind in events:
            order.events.append(OrderEvent(kind=kind))
        db.session.add(order)
        db.session.flush()
        return order


class OrderLineFactory(Base):
    """A line added to an order (a new one, with no other line, unless given);
    the order's subtotal is left as it was. `order_line` makes an unsaved
    line from a variant for `OrderFactory(lines=…)`."""

    class Meta:
        model = OrderLine

    order = factory.SubFactory("tests.factories.orders.OrderFactory", lines=())
    product_name = "Abon Lele"
    variant_label = "100 g"
    unit_price = 25000
    quantity = 2


class OrderEventFactory(Base):
    """An entry on an order's timeline (`OrderFactory(events=…)` makes several)."""

    class Meta:
        model = OrderEvent

    order = factory.SubFactory("tests.factories.orders.OrderFactory", events=())
    kind = "confirmed"


class OrderPushSubscriptionFactory(Base):
    """A buyer's browser that asked to hear of the order's steps."""

    class Meta:
        model = OrderPushSubscription

    class Params:
        order = factory.SubFactory("tests.factories.orders.OrderFactory")

    order_id = factory.SelfAttribute("order.id")
    endpoint = factory.Sequence(lambda n: f"https://push.example.test/order/{n}")
    p256dh = factory.LazyFunction(lambda: generate_vapid_keys()[1])
    auth = "c2VjcmV0LWF1dGgtMTZiIQ"


def make_order(
    group=None,
    *,
    delivery: DeliveryMethod = DeliveryMethod.PICKUP,
    payment: PaymentMethod = PaymentMethod.TRANSFER,
    **fields,
) -> Order:
    """`OrderFactory` with the short names the tests use: an order of `group`
    (a new one unless given), `delivery` and `payment` its methods."""
    if group is not None:
        fields["group"] = group
    return OrderFactory(delivery_method=delivery, payment_method=payment, **fields)


def transfer_order(
    *,
    payment: PaymentMethod = PaymentMethod.TRANSFER,
    status: OrderStatus = OrderStatus.PLACED,
    payment_status: PaymentStatus = PaymentStatus.UNPAID,
    delivery: DeliveryMethod = DeliveryMethod.PICKUP,
    shipping_fee: int | None = 0,
) -> Order:
    """An order of Rp50.000 from a new group, placed and (by default) waiting
    for a bank transfer: what a buyer sends a receipt for."""
    return make_order(
        delivery=delivery,
        payment=payment,
        buyer_name="Siti Nur’aini",
        address="",
        status=status,
        payment_status=payment_status,
        lines=(),
        subtotal=50000,
        shipping_fee=shipping_fee,
        unique_code=123 if payment is PaymentMethod.TRANSFER else 0,
    )
