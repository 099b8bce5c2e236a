"""The order's state table: every move of an order after it is placed.

The group's order page offers exactly the moves `ORDER_FLOW.offered(order)`
names, and each service in shop.orders.services calls `ORDER_FLOW.check`
before it changes anything, so the page and the rule cannot drift apart.
The keys are the words of the page's URLs (/kelola/<slug>/pesanan/<number>/<key>).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from shop.errors import DomainError
from shop.groups.models import DeliveryMethod, PaymentMethod
from shop.orders.models import Order, OrderStatus, PaymentStatus
from shop.workflow import Move, Rule, Workflow


class InvalidTransition(DomainError):
    pass


OPEN_STATES = (OrderStatus.PLACED, OrderStatus.CONFIRMED, OrderStatus.PACKED)
EXPIRABLE = (OrderStatus.PLACED, OrderStatus.CONFIRMED)
GROUP = "the group (ketua or anggota)"


def awaits_payment(order: Order) -> bool:
    """Paid ahead (transfer or card) and not paid yet."""
    return order.payment_method is not PaymentMethod.CASH and not order.is_paid


ORDER_FLOW: Workflow[Order, OrderStatus] = Workflow(
    lambda order: order.status,
    {
        "konfirmasi": Move(
            sources=frozenset({OrderStatus.PLACED}),
            target=OrderStatus.CONFIRMED,
            who=GROUP,
            refused=_l("Only a new order can be confirmed."),
            done=_l("Order confirmed."),
        ),
        "lunas": Move(
            # The payment is recorded, the status stays. A card payment may
            # arrive (Stripe's webhook) before the group confirms; the group
            # marks a transfer or cash payment only on an order it accepted.
            sources=frozenset(set(OrderStatus) - {OrderStatus.CANCELLED, OrderStatus.EXPIRED}),
            target=None,
            who=GROUP + "; Stripe's webhook for a card payment",
            refused=_l("This order is closed."),
            first=(Rule(lambda o: not o.is_paid, _l("This order is already marked paid.")),),
            rules=(
                Rule(
                    lambda o: (
                        o.status is not OrderStatus.PLACED or o.payment_method is PaymentMethod.CARD
                    ),
                    _l("Confirm the order before marking it paid."),
                ),
            ),
            shown=frozenset(
                set(OrderStatus) - {OrderStatus.PLACED, OrderStatus.CANCELLED, OrderStatus.EXPIRED}
            ),
            done=_l("Payment marked as received."),
        ),
        "kemas": Move(
            sources=frozenset({OrderStatus.CONFIRMED}),
            target=OrderStatus.PACKED,
            who=GROUP,
            refused=_l("Only a confirmed order can be packed."),
            rules=(
                Rule(
                    lambda o: not awaits_payment(o),
                    _l("Wait for the payment before packing this order."),
                ),
            ),
            done=_l("Order marked as packed."),
        ),
        "kirim": Move(
            sources=frozenset({OrderStatus.PACKED}),
            target=OrderStatus.SHIPPED,
            who=GROUP,
            refused=_l("Pack the order before shipping it."),
            rules=(
                Rule(
                    lambda o: o.delivery_method is not DeliveryMethod.PICKUP,
                    _l("This order is collected by the buyer: mark it ready for pickup."),
                ),
            ),
            done=_l("Order marked as shipped."),
        ),
        "siap": Move(
            sources=frozenset({OrderStatus.PACKED}),
            target=OrderStatus.READY,
            who=GROUP,
            refused=_l("Pack the order before it is ready for pickup."),
            rules=(
                Rule(
                    lambda o: o.delivery_method is DeliveryMethod.PICKUP,
                    _l("This order is delivered: mark it shipped."),
                ),
            ),
            done=_l("Order marked as ready for pickup."),
        ),
        "selesai": Move(
            sources=frozenset({OrderStatus.SHIPPED, OrderStatus.READY}),
            target=OrderStatus.COMPLETED,
            who=GROUP,
            refused=_l("Only a shipped order, or one ready for pickup, can be completed."),
            rules=(
                Rule(
                    lambda o: o.is_paid,
                    _l("Mark the payment received before completing the order."),
                ),
            ),
            done=_l("Order completed."),
        ),
        "batal": Move(
            sources=frozenset(OPEN_STATES),
            target=OrderStatus.CANCELLED,
            who=GROUP,
            refused=_l("This order can no longer be cancelled."),
            done=_l("Order cancelled."),
        ),
        # Not a button: the expiry job. An order no longer expirable is left
        # as it is (expire_order answers False), so no message is needed. A
        # buyer who sent a transfer proof waits for the group, not the clock.
        "kedaluwarsa": Move(
            sources=frozenset(EXPIRABLE),
            target=OrderStatus.EXPIRED,
            who="the clock (the expiry job), for an order unpaid past its deadline",
            refused=None,
            rules=(Rule(lambda o: o.payment_status is PaymentStatus.UNPAID, None),),
            shown=frozenset(),
        ),
    },
    error=InvalidTransition,
)
