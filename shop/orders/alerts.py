"""What an order's people hear by email: the buyer at each step, the group of
a new order and of a transfer proof.

Who gets it, in which language and with which links is said here; notify
(`shop.notify.outbox`) renders and queues it. Called by a service inside its
own transaction: nothing here commits or sends.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from sqlalchemy import select

from shop.accounts.models import User
from shop.core.templating import absolute_url
from shop.extensions import db
from shop.groups.alerts import notify_group_members
from shop.groups.models import Membership
from shop.notify.models import OutboxMessage
from shop.notify.outbox import Recipient, queue_email, queue_emails
from shop.orders.models import Order

__all__ = [
    "BUYER_KINDS",
    "notify_buyer",
    "notify_group_proof",
    "notify_new_order",
    "notify_placed",
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


def notify_placed(placed: list[Order]) -> list[OutboxMessage]:
    """The orders of one checkout, one by one: the group's members hear of
    their new order, then the buyer that it is placed (the messages of
    `notify_new_order` and `notify_buyer(order, "placed")`, in that order),
    with the members of every group read at once."""
    members = _members_with_email({order.group_id for order in placed})
    messages = []
    unheard = []
    for order in placed:
        if order.group_id in members:
            messages += _notify_group(order, "new_order", members[order.group_id])
        else:
            unheard.append(f"{order.number} ({order.group.slug})")
        buyer = notify_buyer(order, "placed")
        if buyer is not None:
            messages.append(buyer)
    if unheard:
        log.info(
            "Orders %s: no member of the group has an email; the group sees it in its inbox",
            ", ".join(unheard),
        )
    return messages


def _members_with_email(group_ids: set[int]) -> dict[int, list[Recipient]]:
    """`shop.groups.alerts.member_recipients` of several groups in one read:
    each group's members who have an email, in the order they joined, in
    the site's default language."""
    if not group_ids:
        return {}
    rows = db.session.execute(
        select(Membership.group_id, User.email, User.name)
        .join(User, Membership.user_id == User.id)
        .where(
            Membership.group_id.in_(sorted(group_ids)),
            User.email.is_not(None),
            User.email != "",
        )
        .order_by(Membership.id)
    )
    locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    members: dict[int, list[Recipient]] = {}
    for group_id, email, name in rows:
        members.setdefault(group_id, []).append(Recipient(email or "", locale, name))
    return members


def notify_group_proof(order: Order) -> list[OutboxMessage]:
    """The buyer sent a transfer proof: the group should check its account."""
    return _notify_group(order, "proof_received")


def _notify_group(
    order: Order, template: str, members: list[Recipient] | None = None
) -> list[OutboxMessage]:
    """Every member of the order's group who has an email (`members` when
    they were read already) gets `template`."""
    context = {
        **_order_context(order),
        "manage_url": absolute_url(
            "orders.manage_order", slug=order.group.slug, number=order.number
        ),
    }
    if members is None:
        messages = notify_group_members(order.group, template, context)
    else:  # as notify_group_members does with the members it reads
        messages = queue_emails(
            template, members, template, {**context, "group": order.group}, recipient_key="member"
        )
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
    if not (order.buyer_email or "").strip():
        return None
    return queue_email(
        f"order_{kind}", order.buyer_email, f"order_{kind}", _order_context(order), order.locale
    )
