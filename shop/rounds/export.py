"""A round's two lists as CSV (UTF-8 with a BOM, for Excel; text a
spreadsheet would run as a formula neutralised by defusedcsv): the
production list, one row per product and variant, and the handover list,
one row per buyer."""

from __future__ import annotations

import csv
import io

from defusedcsv import csv as safe_csv
from flask_babel import gettext as _

from shop.i18n.formatting import phone_display
from shop.rounds.models import Round
from shop.rounds.queries import handover, production


def _writer(out: io.StringIO):
    out.write("\ufeff")
    return safe_csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")


def production_csv(round_: Round) -> str:
    out = io.StringIO()
    writer = _writer(out)
    writer.writerow([_("Product"), _("Variant"), _("Quantity"), _("Orders")])
    for row in production(round_):
        writer.writerow([row.product_name, row.variant_label, row.quantity, row.orders])
    return out.getvalue()


def handover_csv(round_: Round) -> str:
    out = io.StringIO()
    writer = _writer(out)
    writer.writerow(
        [
            _("Buyer"),
            _("Phone"),
            _("Order number"),
            _("Delivery"),
            _("Address"),
            _("Products"),
            _("Status"),
            _("Payment status"),
        ]
    )
    for order, lines in handover(round_):
        writer.writerow(
            [
                order.buyer_name,
                phone_display(order.buyer_phone),
                order.number,
                str(order.delivery_method.label),
                order.address,
                "; ".join(
                    f"{line.product_name} ({line.variant_label}) × {line.quantity}"
                    for line in lines
                ),
                str(order.status.label),
                str(order.payment_status.label),
            ]
        )
    return out.getvalue()
