"""An order's total as every page, message and printout shows it."""

from __future__ import annotations

from shop.i18n.formatting import total
from shop.orders.models import Order


def order_total(order: Order, html: bool = False) -> str:
    """The amount the buyer pays; for courier delivery whose fee the group
    has not set yet, the products' total `+ ongkos kirim menyusul` (with the
    transfer's unique code, a line of the order like the products, so the
    lines above a total always add up to it)."""
    if order.total is None:
        return total(order.subtotal + order.unique_code, shipping_to_follow=True, html=html)
    return total(order.total, html=html)
