"""What people see as notifications on their phones (web push): a group's
members of a new order, a transfer proof, a payment and a cancellation, on
each browser where a member who chose that alert turned notifications on;
a buyer of each step of an order, on the browsers where they asked for it on
the tracking page (`watch_order`; forgotten when the order ends).

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
from sqlalchemy import delete, func, select

from shop.accounts.models import User
from shop.extensions import db
from shop.groups.alert_choices import MemberContact, group_locale, push_subscriptions
from shop.groups.models import AlertKind
from shop.i18n.formatting import rupiah
from shop.notify.models import OutboxMessage
from shop.notify.push import push_enabled, push_message
from shop.orders.models import Order, OrderPushSubscription

# A buyer's browsers per order: a phone and a laptop, with room to spare.
WATCHERS_PER_ORDER = 5


def _title(kind: AlertKind, number: str) -> str:
    if kind is AlertKind.NEW_ORDER:
        return _("New order %(number)s", number=number)
    if kind is AlertKind.PROOF_SENT:
        return _("Payment proof for %(number)s", number=number)
    if kind is AlertKind.PAID:
        return _("Order %(number)s is paid", number=number)
    return _("Order %(number)s cancelled", number=number)


def _amount(order: Order) -> str:
    if order.total is not None:
        return rupiah(order.total)
    return _("%(subtotal)s + shipping", subtotal=rupiah(order.subtotal))


def _path(endpoint: str, **values: str) -> str:
    """A path: the worker opens it on the site the notification came from."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _body(order: Order, kind: AlertKind) -> str:
    amount = _amount(order)
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
    """One notification of `kind` to each browser that gets it, in its
    member's language, not yet queued."""
    if not push_enabled():
        return []
    targets = push_subscriptions(members, kind, skip=by.id if by is not None else None)
    if not targets:
        return []
    url = _path("orders.manage_order", slug=order.group.slug, number=order.number)
    texts: dict[str, tuple[str, str]] = {}
    messages = []
    for target, locale in targets:
        if locale not in texts:
            with force_locale(locale):
                texts[locale] = (_title(kind, order.number), _body(order, kind))
        title, body = texts[locale]
        messages.append(
            push_message(f"push_{kind.value}", target, title, body, url, locale, tag=order.number)
        )
    return messages


# --- the buyer ------------------------------------------------------------------


def _buyer_title(kind: str, number: str) -> str | None:
    titles = {
        "confirmed": lambda: _("Order %(number)s confirmed", number=number),
        "paid": lambda: _("Payment received for %(number)s", number=number),
        "shipped": lambda: _("Order %(number)s is on its way", number=number),
        "ready": lambda: _("Order %(number)s is ready for pickup", number=number),
        "completed": lambda: _("Order %(number)s completed", number=number),
        "cancelled": lambda: _("Order %(number)s cancelled", number=number),
        "expired": lambda: _("Order %(number)s expired", number=number),
    }
    title = titles.get(kind)
    return title() if title is not None else None


def buyer_pushes(order: Order, kind: str) -> list[OutboxMessage]:
    """The buyer's notification of step `kind` to each browser watching the
    order, not yet queued; none for a step without one or with push off."""
    if not push_enabled():
        return []
    watchers = db.session.scalars(
        select(OrderPushSubscription)
        .where(OrderPushSubscription.order_id == order.id)
        .order_by(OrderPushSubscription.id)
    ).all()
    if not watchers:
        return []
    locale = order.locale or group_locale()
    with force_locale(locale):
        title = _buyer_title(kind, order.number)
        if title is None:
            return []
        body = f"{order.group.name} · {_amount(order)}"
    url = _path("orders.track", number=order.number, token=order.tracking_token)
    return [
        push_message(
            f"order_{kind}",
            {"endpoint": w.endpoint, "p256dh": w.p256dh, "auth": w.auth},
            title,
            body,
            url,
            locale,
            tag=order.number,
        )
        for w in watchers
    ]


def watch_order(order: Order, endpoint: str, p256dh: str, auth: str) -> OrderPushSubscription:
    """This browser hears of the order's next steps (flushed, not committed);
    the same browser again only gets its new keys. At most
    WATCHERS_PER_ORDER browsers; the oldest goes first."""
    row = db.session.scalar(
        select(OrderPushSubscription).where(
            OrderPushSubscription.order_id == order.id,
            OrderPushSubscription.endpoint == endpoint,
        )
    )
    if row is None:
        row = OrderPushSubscription(order_id=order.id, endpoint=endpoint)
        db.session.add(row)
    row.p256dh, row.auth = p256dh, auth
    db.session.flush()
    older = db.session.scalars(
        select(OrderPushSubscription.id)
        .where(OrderPushSubscription.order_id == order.id)
        .order_by(OrderPushSubscription.id.desc())
        .offset(WATCHERS_PER_ORDER)
    ).all()
    if older:
        db.session.execute(delete(OrderPushSubscription).where(OrderPushSubscription.id.in_(older)))
    return row


def unwatch_order(order: Order, endpoint: str) -> None:
    """This browser hears no more of the order (flushed, not committed)."""
    db.session.execute(
        delete(OrderPushSubscription).where(
            OrderPushSubscription.order_id == order.id,
            OrderPushSubscription.endpoint == endpoint,
        )
    )


def forget_watchers(order: Order) -> None:
    """The order ended: its browsers are not kept (its last notification,
    already written, carries what it needs)."""
    db.session.execute(
        delete(OrderPushSubscription).where(OrderPushSubscription.order_id == order.id)
    )


def watcher_count(order: Order) -> int:
    return (
        db.session.scalar(select(func.count()).where(OrderPushSubscription.order_id == order.id))
        or 0
    )
