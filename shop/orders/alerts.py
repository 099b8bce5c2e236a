"""What an order's people hear: by email the buyer at each step and the group
of a new order and of a transfer proof; on WhatsApp (`shop.orders.whatsapp_alerts`)
the group of a new order, a proof, a payment and a cancellation, and the
buyer of each step after placing; as notifications on their phones
(`shop.orders.push_alerts`) the members of the same four.

Who gets it, in which language and with which links is said here; notify
(`shop.notify.outbox`) renders and queues it. Called by a service inside its
own transaction: nothing here commits or sends.
"""

from __future__ import annotations

import logging
from typing import Any

from shop.accounts.models import User
from shop.core.templating import absolute_url
from shop.groups.alert_choices import MemberContact, member_contacts
from shop.groups.models import AlertKind
from shop.notify.messaging import email_message, queue_all, whatsapp_enabled
from shop.notify.models import OutboxMessage
from shop.notify.outbox import Recipient
from shop.notify.push import push_enabled
from shop.orders.models import Order
from shop.orders.push_alerts import buyer_pushes, forget_watchers, group_pushes
from shop.orders.whatsapp_alerts import buyer_alert, group_alerts

__all__ = [
    "BUYER_KINDS",
    "notify_buyer",
    "notify_group",
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
    """A new order: every member of the group who has an email hears of it,
    and its WhatsApp numbers that get new orders."""
    contacts = member_contacts([order.group_id]).get(order.group_id, [])
    return queue_all(_group_messages(order, "new_order", AlertKind.NEW_ORDER, contacts))


def notify_placed(placed: list[Order]) -> list[OutboxMessage]:
    """The orders of one checkout, one by one: the group's members hear of
    their new order (by email, then on WhatsApp), then the buyer that it is
    placed, with the members of every group read at once and every message
    written in one INSERT."""
    contacts = member_contacts({order.group_id for order in placed})
    messages: list[OutboxMessage | None] = []
    for order in placed:
        messages += _group_messages(
            order, "new_order", AlertKind.NEW_ORDER, contacts.get(order.group_id, [])
        )
        messages.append(buyer_email(order, "placed"))
    return queue_all(messages)


def notify_group_proof(order: Order, by: User | None = None) -> list[OutboxMessage]:
    """The buyer sent a transfer proof: the group should check its account."""
    contacts = member_contacts([order.group_id]).get(order.group_id, [])
    return queue_all(
        _group_messages(order, "proof_received", AlertKind.PROOF_SENT, contacts, by=by)
    )


def notify_group(order: Order, kind: AlertKind, by: User | None = None) -> list[OutboxMessage]:
    """A payment recorded or a cancellation: the group hears of it on
    WhatsApp and on their phones (there is no email of these); `by`, who did
    it, does not."""
    if not whatsapp_enabled() and not push_enabled():
        return []
    contacts = member_contacts([order.group_id]).get(order.group_id, [])
    return queue_all(
        [*group_alerts(order, kind, contacts, by=by), *group_pushes(order, kind, contacts, by=by)]
    )


def _group_messages(
    order: Order,
    template: str,
    kind: AlertKind,
    contacts: list[MemberContact],
    *,
    by: User | None = None,
) -> list[OutboxMessage | None]:
    """The group's emails of `template` (every member who has an address),
    its WhatsApp alerts and its members' notifications of `kind`, each in its
    reader's language, not yet queued."""
    context = {
        **_order_context(order),
        "manage_url": absolute_url(
            "orders.manage_order", slug=order.group.slug, number=order.number
        ),
    }
    messages: list[OutboxMessage | None] = [
        email_message(
            template,
            member.email,
            template,
            {**context, "member": Recipient(member.email, member.language, member.name)},
            member.language,
        )
        for member in contacts
        if member.email
    ]
    messages += group_alerts(order, kind, contacts, by=by)
    messages += group_pushes(order, kind, contacts, by=by)
    if not any(messages):
        log.info(
            "Order %s: nobody of group %s gets an email or a WhatsApp message;"
            " the group sees it in its inbox",
            order.number,
            order.group.slug,
        )
    return messages


def notify_buyer(order: Order, kind: str) -> OutboxMessage | None:
    """Tell the buyer what happened to the order, in the language they ordered in:
    by email, and on WhatsApp for the steps of
    `shop.orders.whatsapp_alerts.BUYER_TEMPLATES` when the
    number they gave is a mobile one. Returns the email's row (None without
    an address).

    Browsers where the buyer asked for it on the tracking page get a
    notification of each step; they are forgotten once the order ends.
    Without any of these the buyer follows the order on the tracking page.
    """
    email = buyer_email(order, kind)
    queued = queue_all([email, buyer_alert(order, kind), *buyer_pushes(order, kind)])
    if order.status.is_final:
        forget_watchers(order)
    return queued[0] if email is not None else None


def buyer_email(order: Order, kind: str) -> OutboxMessage | None:
    """The buyer's email of step `kind`, not yet queued; None without an address."""
    if kind not in BUYER_KINDS:
        raise ValueError(f"unknown buyer notification {kind!r}")
    if not (order.buyer_email or "").strip():
        return None
    return email_message(
        f"order_{kind}", order.buyer_email, f"order_{kind}", _order_context(order), order.locale
    )
