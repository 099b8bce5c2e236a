"""QRIS with the exact amount: the QR a buyer scans to pay one order.

Made from the group's own static QRIS (shop.groups.qris.with_amount: tag 01
"12", the order's total in tag 54, the CRC again), so any bank or e-wallet
app fills in the amount, unique code included, and the money goes to the
group's own account. The buyer then sends the receipt and the group marks
the order paid, as for a transfer (shop.payments.transfer).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from shop.groups.models import PaymentMethod
from shop.groups.qris import QrisRefused, read_static, with_amount
from shop.i18n.formatting import rupiah
from shop.marketing.qr import inline_svg
from shop.orders.models import Order, OrderStatus

log = logging.getLogger(__name__)

# Open orders a buyer may still pay ahead (the same states a proof is taken in).
PAYABLE_STATES = (OrderStatus.PLACED, OrderStatus.CONFIRMED)


@dataclass(frozen=True)
class QrisPayment:
    """What the order's page shows: the QR and, in words beside it, the
    amount it carries and the merchant it pays."""

    payload: str
    amount: int
    merchant: str
    city: str
    svg: Markup


def order_qris(order: Order) -> QrisPayment | None:
    """The amount QR of an order paid by QRIS that still waits for its
    money, with a known total; None otherwise, and when the group has no
    QRIS now (it removed it: the page then says to ask the group)."""
    if (
        order.payment_method is not PaymentMethod.QRIS
        or order.is_paid
        or order.status not in PAYABLE_STATES
        or order.total is None
    ):
        return None
    static = order.group.qris_payload
    if not static:
        return None
    try:
        merchant = read_static(static)
        payload = with_amount(static, order.total)
    except (QrisRefused, ValueError):
        # Checked when saved; a stored payload that fails now is a bug, not the buyer's.
        log.exception("the QRIS of group %s cannot carry order %s", order.group_id, order.number)
        return None
    title = _(
        "QRIS code: pay %(amount)s to %(merchant)s",
        amount=rupiah(order.total),
        merchant=merchant.name,
    )
    return QrisPayment(
        payload=payload,
        amount=order.total,
        merchant=merchant.name,
        city=merchant.city,
        svg=inline_svg(payload, title),
    )
