"""What the domains above orders add to an order's life and pages.

Payments act on orders, so they sit above them and orders import nothing of
payments. Where an order needs them, payments register a function here when
the app is made (shop/payments/blueprint.py connects them):

- PAID_ORDER_CANCELLED, called with (order, by) by `cancel_order` for an
  order that was paid: inside its transaction, after the "cancelled" event
  and before the buyer is told, so the refund row it writes
  (shop.payments.refunds.refund_closed_order) is in the buyer's message.
- ORDER_RELEASED, called with the order by `cancel_order` and
  `expire_order` as its stock comes back, inside their transaction: rounds
  give back the capacity its lines took (shop.rounds.capacity.give_back).
- TRACK_PAGE and GROUP_ORDER_PAGE, called with the order when the buyer's
  tracking page or the group's order page is drawn: each returns names for
  the page's template (payments: the proofs and the proof form, the card
  button, the refund forms, read by the templates/payments partials).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shop.accounts.models import User
from shop.orders.models import Order

PageContext = Callable[[Order], dict[str, Any]]

PAID_ORDER_CANCELLED: list[Callable[[Order, User | None], object]] = []
ORDER_RELEASED: list[Callable[[Order], object]] = []
TRACK_PAGE: list[PageContext] = []
GROUP_ORDER_PAGE: list[PageContext] = []


def page_context(hooks: list[PageContext], order: Order, **own: Any) -> dict[str, Any]:
    """The names the hooks give the page, then the page's own (which win: a
    form refused on a POST is drawn again with its errors)."""
    context: dict[str, Any] = {}
    for hook in hooks:
        context.update(hook(order))
    return context | own


def paid_order_cancelled(order: Order, by: User | None) -> None:
    """Tell the domains that act on a paid order that it is cancelled."""
    if not PAID_ORDER_CANCELLED:
        raise RuntimeError(
            "A paid order is never cancelled without its refund; "
            "shop.payments connects it when the app is made."
        )
    for hook in PAID_ORDER_CANCELLED:
        hook(order, by)


def order_released(order: Order) -> None:
    """Tell the domains that reserved something for this order that it ended."""
    for hook in ORDER_RELEASED:
        hook(order)
