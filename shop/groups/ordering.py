"""Whether, and how, a buyer can order from a group now: the one rule the
group page, the product page, the cart and checkout all follow.

A buyer may pay by transfer only a group that has given a bank account (the
buyer must be told where to send the money), and by card only where the
operator has set up card payments. A group with no way left to be paid, or
no way to hand orders over, takes no orders: its products can be looked at
but not put in a cart, and checkout refuses it.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from shop.groups.models import Group, PaymentMethod


def card_enabled() -> bool:
    """Card is offered only when the operator set both Stripe keys: without
    the webhook secret no payment could ever be confirmed."""
    config = current_app.config
    return bool(config.get("STRIPE_SECRET_KEY")) and bool(config.get("STRIPE_WEBHOOK_SECRET"))


def payable_methods(
    group: Group, *, card_enabled: bool, has_bank_account: bool
) -> list[PaymentMethod]:
    """The ways a buyer may pay this group, given the site's card switch and
    whether the group has a bank account. Empty: it cannot be paid now."""
    return [
        method
        for method in group.payment_methods
        if (method is not PaymentMethod.CARD or card_enabled)
        and (method is not PaymentMethod.TRANSFER or has_bank_account)
    ]


def buyer_payment_methods(group: Group) -> list[PaymentMethod]:
    """payable_methods of a group loaded with `has_bank_account` (undeferred
    by the page's own statement), with the site's card switch."""
    return payable_methods(
        group, card_enabled=card_enabled(), has_bank_account=group.has_bank_account
    )


def takes_orders(group: Group) -> bool:
    """A buyer can order from the group now: it can be paid and can hand
    the order over."""
    return bool(buyer_payment_methods(group)) and bool(group.delivery_methods)


def not_taking_orders(group: Group):
    """What a buyer is told when adding a product of a group that takes no
    orders now."""
    return _l(
        "%(group)s is not taking orders right now, so its products cannot be put in "
        "a cart. You can still look at them, and come back later.",
        group=group.name,
    )
