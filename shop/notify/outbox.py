"""Writing notifications into the outbox: rendered now, in the recipient's language.

`queue_email` and `render_email` live in `shop.notify.messaging` beside
`queue_whatsapp`, and are importable from here as before.

A service calls these inside its own transaction. Nothing here commits or
sends: the row is committed with the change it reports (or rolled back with
it), and `shop.notify.delivery` sends it afterwards.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from sqlalchemy import select

from shop.accounts.models import User
from shop.core.templating import absolute_url
from shop.extensions import db
from shop.groups.models import Group, Membership
from shop.notify.messaging import queue_email, render_email
from shop.notify.models import OutboxMessage
from shop.orders.models import Order

__all__ = [
    "BUYER_KINDS",
    "notify_buyer",
    "notify_group_members",
    "notify_group_proof",
    "notify_new_order",
    "queue_email",
    "render_email",
]

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


def notify_group_members(
    group: Group, template: str, context: dict[str, Any]
) -> list[OutboxMessage]:
    """Queue `templates/email/<template>/` to every member of the group who has
    an email address; the context gets `group` and `member`.

    One message per member, so one bad address never holds up the others and
    no member sees another's address. Members have no language of their own
    yet: they get the site's default language.
    """
    members = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id, User.email.is_not(None), User.email != "")
        .order_by(Membership.id)
    ).all()
    locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    messages = []
    for user in members:
        message = queue_email(
            template, user.email, template, {**context, "group": group, "member": user}, locale
        )
        if message is not None:
            messages.append(message)
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
