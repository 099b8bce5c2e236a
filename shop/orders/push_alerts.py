"""What a group's members see as notifications on their phones (web push): a
new order, a transfer proof, a payment and a cancellation, on each browser
where a member who chose that alert turned notifications on.

A notification passes through the browser maker's push service and shows on
a lock screen, so it says only what the alert needs: what happened, the
order number, the group and the amount; never the buyer's name, number or
address, nor a cancellation's reason. Built here, queued by the caller with
its other messages (`shop.notify.messaging.queue_all`); nothing here commits
or sends. With push off nothing is built.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from shop.accounts.models import User
from shop.groups.alert_choices import MemberContact, group_locale, push_subscriptions
from shop.groups.models import AlertKind
from shop.i18n.formatting import rupiah
from shop.notify.models import OutboxMessage
from shop.notify.push import push_enabled, push_message
from shop.orders.models import Order


def _title(kind: AlertKind, number: str) -> str:
    if kind is AlertKind.NEW_ORDER:
        return _("New order %(number)s", number=number)
    if kind is AlertKind.PROOF_SENT:
        return _("Transfer proof for %(number)s", number=number)
    if kind is AlertKind.PAID:
        return _("Order %(number)s is paid", number=number)
    return _("Order %(number)s cancelled", number=number)


def _body(order: Order, kind: AlertKind) -> str:
    if order.total is not None:
        amount = rupiah(order.total)
    else:
        amount = _("%(subtotal)s + shipping", subtotal=rupiah(order.subtotal))
    if kind is AlertKind.PROOF_SENT:
        return _(
            "%(group)s: check your account for %(amount)s.", group=order.group.name, amount=amount
        )
    return f"{order.group.name} · {amount}"


def group_pushes(
    order: Order,
    kind: AlertKind,
    members: Iterable[MemberContact],
    *,
    by: User | None = None,
) -> list[OutboxMessage]:
    """One notification of `kind` to each browser that gets it, not yet queued."""
    if not push_enabled():
        return []
    targets = push_subscriptions(members, kind, skip=by.id if by is not None else None)
    if not targets:
        return []
    locale = group_locale()
    with force_locale(locale):
        title, body = _title(kind, order.number), _body(order, kind)
    # A path: the worker opens it on the site the notification came from.
    url = current_app.url_map.bind("localhost").build(
        "orders.manage_order", {"slug": order.group.slug, "number": order.number}
    )
    return [
        push_message(f"push_{kind.value}", target, title, body, url, locale, tag=order.number)
        for target in targets
    ]
