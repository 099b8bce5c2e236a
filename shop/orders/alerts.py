"""What an order's people hear by email: the buyer at each step, the group of
a new order and of a transfer proof.

Who gets it, in which language and with which links is said here; notify
(`shop.notify.outbox`) renders and queues it. Called by a service inside its
own transaction: nothing here commits or sends.
"""

from __future__ import annotations

import logging
from typing import Any

from shop.core.templating import absolute_url
from shop.groups.alerts import notify_group_members
from shop.notify.models import OutboxMessage
from shop.notify.outbox import queue_email
from shop.orders.models import Order

__all__ = ["BUYER_KINDS", "notify_buyer", "notify_group_proof", "notify_new_order"]

log = logging.getLogger(__name__)

# What a buyer hears about; each has a folder templates/email/order_<kind>/.
BUYER_KINDS = (
    "placed",
    "confirmed",
    "paid",
    "shipped",
    "ready",
    "completed",
    "cancelled",
    "expired",
    "refunded",
)


def _order_context(order: Order) -> dict[str, Any]:
    return {
        "order": order,
        "group": order.group,
        "tracking_url": absolute_url(
            "orders.track", number=order.number, token=order.tracking_token
        ),
    }


def notify_new_order(order: Order) -> list[OutboxMessage]:
    """A new order: every member of the group who has an email hears of it."""
    return _notify_group(order, "new_order")


def notify_group_proof(order: Order) -> list[OutboxMessage]:
    """The buyer sent a transfer proof: the group should check its account."""
    return _notify_group(order, "proof_received")


def _notify_group(order: Order, template: str) -> list[OutboxMessage]:
    context = {
        **_order_context(order),
        "manage_url": absolute_url(
            "orders.manage_order", slug=order.group.slug, number=order.number
        ),
    }
    messages = notify_group_members(order.group, template, context)
    if not messages:
        log.info(
            "Order %s: no member of group %s has an email; the group sees it in its inbox",
            order.number,
            order.group.slug,
        )
    return messages


def notify_buyer(order: Order, kind: str) -> OutboxMessage | None:
    """Tell the buyer what happened to the order, in the language they ordered in.

    Without an email address the buyer follows the order on the tracking page.
    """
    if kind not in BUYER_KINDS:
        raise ValueError(f"unknown buyer notification {kind!r}")
    return queue_email(
        f"order_{kind}", order.buyer_email, f"order_{kind}", _order_context(order), order.locale
    )
