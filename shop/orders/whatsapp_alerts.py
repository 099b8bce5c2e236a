"""What an order's people hear on WhatsApp: the group (its verified number
and the members who chose it) of a new order, a transfer proof, a payment and a
cancellation; the buyer who gave a mobile number of each step after placing.

Each alert is a template message approved at Meta (README, "WhatsApp
templates"): our key, and its body parameters in order, as the comment of
templates/whatsapp/<key>.txt lists them. Built here, queued by the caller with
its other messages (`shop.notify.messaging.queue_all`), in the transaction of
the change; nothing here commits or sends. With the channel off nothing is
built.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import force_locale

from shop.accounts.models import User
from shop.core.templating import absolute_url
from shop.groups.alert_choices import MemberContact, group_locale, whatsapp_numbers
from shop.groups.models import AlertKind
from shop.i18n.phone import normalise
from shop.notify.messaging import E164, whatsapp_enabled, whatsapp_message
from shop.notify.models import OutboxMessage
from shop.orders.models import Order
from shop.orders.totals import order_total

# Our template keys (WHATSAPP_TEMPLATES) for the group's alerts…
GROUP_TEMPLATES = {
    AlertKind.NEW_ORDER: "group_new_order",
    AlertKind.PROOF_SENT: "group_proof_sent",
    AlertKind.PAID: "group_paid",
    AlertKind.CANCELLED: "group_cancelled",
}
# … and for the buyer's, by the step (`shop.orders.alerts.BUYER_KINDS`).
BUYER_TEMPLATES = {
    "confirmed": "buyer_confirmed",
    "shipped": "buyer_shipped",
    "ready": "buyer_ready",
    "paid": "buyer_paid",
    "cancelled": "buyer_cancelled",
}


def _or_dash(text: str | None) -> str:
    """A template parameter may not be empty."""
    return " ".join((text or "").split()) or "-"


def group_alerts(
    order: Order,
    kind: AlertKind,
    members: Iterable[MemberContact],
    *,
    by: User | None = None,
) -> list[OutboxMessage]:
    """One message of `kind` to each of the group's numbers that gets it
    (`shop.groups.alert_choices.whatsapp_numbers`), each in its reader's
    language (the template's language code follows it), not yet queued."""
    if not whatsapp_enabled():
        return []
    skip = by.phone if by is not None and by.phone_verified_at is not None else None
    # Only a verified number hears of the group's orders; one kept before
    # numbers were normalised is skipped, not raised: an alert never stops
    # the order it reports.
    verified = order.group.alert_number
    group_number = verified if E164.fullmatch(verified or "") else None
    numbers = whatsapp_numbers(group_number, members, kind, skip=skip)
    template = GROUP_TEMPLATES[kind]
    params_in: dict[str, list[str]] = {}
    messages = []
    for number, locale in numbers:
        if locale not in params_in:
            params_in[locale] = _group_params(order, kind, locale)
        message = whatsapp_message(template, number, template, params_in[locale], locale)
        if message is not None:
            messages.append(message)
    return messages


def _group_params(order: Order, kind: AlertKind, locale: str) -> list[str]:
    """The group alert's five parameters, the amount written in `locale`."""
    with force_locale(locale):
        fourth = (
            _or_dash(order.cancel_reason) if kind is AlertKind.CANCELLED else order_total(order)
        )
    return [
        order.number,
        _or_dash(order.group.name),
        _or_dash(order.buyer_name),
        fourth,
        absolute_url("orders.manage_order", slug=order.group.slug, number=order.number),
    ]


def buyer_number(order: Order) -> str | None:
    """The buyer's number if WhatsApp can reach it (a mobile number)."""
    return normalise(order.buyer_phone or "", mobile_only=True)


def buyer_alert(order: Order, kind: str) -> OutboxMessage | None:
    """The buyer's message for step `kind`, not yet queued; None for a step
    without one, with the channel off or without a mobile number."""
    template = BUYER_TEMPLATES.get(kind)
    if template is None or not whatsapp_enabled():
        return None
    number = buyer_number(order)
    if number is None:
        return None
    locale = order.locale or group_locale()
    with force_locale(locale):
        if kind == "shipped":
            fourth = _or_dash(f"{order.courier or ''} {order.tracking_number or ''}")
        elif kind == "ready":
            fourth = _or_dash(order.group.pickup_address)
        elif kind == "cancelled":
            fourth = _or_dash(order.cancel_reason)
        else:
            fourth = order_total(order)
    params = [
        _or_dash(order.buyer_name),
        order.number,
        _or_dash(order.group.name),
        fourth,
        absolute_url("orders.track", number=order.number, token=order.tracking_token),
    ]
    return whatsapp_message(f"order_{kind}", number, template, params, locale)
