"""The order as a WhatsApp message to its group, for groups that want orders there too.

The order already exists in Etalase when the buyer sees the button; the
message only tells the group on the channel it watches. It is written in the
language the buyer ordered in, and carries the order number so the group
finds it in its inbox.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from shop.core.templating import wa_link
from shop.i18n.formatting import rupiah
from shop.orders.models import Order
from shop.orders.totals import order_total


def order_message(order: Order) -> str:
    with force_locale(order.locale or "id"):
        lines = [
            _("Hello %(group)s, I have just ordered on Etalase.", group=order.group.name),
            _("Order %(number)s:", number=order.number),
        ]
        lines += [
            f"- {line.product_name} ({line.variant_label}) × {line.quantity} = "
            f"{rupiah(line.line_total)}"
            for line in order.lines
        ]
        if order.unique_code:
            lines.append(_("Unique code: %(amount)s", amount=rupiah(order.unique_code)))
        lines += [
            _("Total: %(amount)s", amount=order_total(order)),
            _("Delivery: %(method)s", method=str(order.delivery_method.label)),
            _("Payment: %(method)s", method=str(order.payment_method.label)),
            _("Name: %(name)s", name=order.buyer_name),
        ]
        return "\n".join(lines)


def order_whatsapp_link(order: Order) -> str:
    """wa.me with the order filled in, when the group asked for orders on
    WhatsApp and has a number; otherwise empty (no button)."""
    group = order.group
    if not (group.whatsapp_orders and group.whatsapp):
        return ""
    return wa_link(group.whatsapp, order_message(order))
