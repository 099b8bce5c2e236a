"""What a round's buyers hear: by email, and on WhatsApp where the number they
gave is a mobile one, when the round closes (orders are in production, ready
on the promised day) and when the group marks it ready. One message per
order of the round that is still going (cancelled and expired ones are not
told); all written in one INSERT, in the closing's transaction."""

from __future__ import annotations

from flask_babel import force_locale

from shop.core.templating import absolute_url
from shop.extensions import db
from shop.groups.alert_choices import group_locale
from shop.i18n.formatting import day
from shop.notify.messaging import email_message, queue_all, whatsapp_enabled, whatsapp_message
from shop.notify.models import OutboxMessage
from shop.orders.models import Order
from shop.orders.whatsapp_alerts import buyer_number
from shop.rounds.models import Round
from shop.rounds.queries import round_orders

# Our template keys (WHATSAPP_TEMPLATES) of the two steps.
WHATSAPP_TEMPLATES = {"closed": "buyer_round_closed", "ready": "buyer_round_ready"}


def _dash(text: str | None) -> str:
    return " ".join((text or "").split()) or "-"


def _messages(round_: Round, order: Order, step: str) -> list[OutboxMessage | None]:
    tracking_url = absolute_url("orders.track", number=order.number, token=order.tracking_token)
    context = {"round": round_, "order": order, "group": order.group, "tracking_url": tracking_url}
    messages = [
        email_message(
            f"round_{step}", order.buyer_email, f"round_{step}", context, order.locale or "id"
        )
    ]
    number = buyer_number(order) if whatsapp_enabled() else None
    if number is not None:
        locale = order.locale or group_locale()
        with force_locale(locale):
            when = day(round_.ready_on)
        params = [
            _dash(order.buyer_name),
            order.number,
            _dash(round_.title),
            when if step == "closed" else _dash(round_.handover or order.group.pickup_address),
            tracking_url,
        ]
        template = WHATSAPP_TEMPLATES[step]
        messages.append(whatsapp_message(f"round_{step}", number, template, params, locale))
    return messages


def notify_buyers(round_: Round, step: str) -> list[OutboxMessage]:
    """Tell every buyer of the round that it closed or is ready."""
    messages: list[OutboxMessage | None] = []
    for order in round_orders(round_):
        messages += _messages(round_, order, step)
    written = queue_all(messages)
    db.session.flush()
    return written
