"""The group's orders as a CSV file: one row per order (items summed up in one
cell), so that a column sum in a spreadsheet is a true total; per-product
figures are on the sales page (`shop.sales.figures`)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from defusedcsv import csv as safe_csv
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from shop.core.clock import JAKARTA
from shop.extensions import db
from shop.groups.models import Group
from shop.i18n.formatting import phone_display
from shop.orders.models import Order, OrderStatus
from shop.regions.models import District, Province, Regency


def _export_query(group: Group, status: OrderStatus | None):
    province, regency, district = aliased(Province), aliased(Regency), aliased(District)
    stmt = (
        select(Order, province.name, regency.name, district.name)
        .outerjoin(province, province.code == Order.province_code)
        .outerjoin(regency, regency.code == Order.regency_code)
        .outerjoin(district, district.code == Order.district_code)
        .where(Order.group_id == group.id)
        .options(selectinload(Order.lines))
        .order_by(Order.created_at, Order.id)
    )
    if status is not None:
        stmt = stmt.where(Order.status == status)
    return stmt


def _local(moment: datetime | None) -> str:
    return moment.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M") if moment else ""


def _header() -> list[str]:
    return [
        _("Order number"),
        _("Placed (WIB)"),
        _("Status"),
        _("Payment status"),
        _("Payment method"),
        _("Delivery"),
        _("Buyer"),
        _("Phone"),
        _("Email"),
        _("Address"),
        _("District"),
        _("Regency/city"),
        _("Province"),
        _("Products"),
        _("Items"),
        _("Subtotal (Rp)"),
        _("Shipping fee (Rp)"),
        _("Unique code (Rp)"),
        _("Total (Rp)"),
        _("Paid (WIB)"),
        _("Courier"),
        _("Tracking number"),
        _("Buyer’s note"),
        _("Cancel reason"),
    ]


def _row(order: Order, province: str | None, regency: str | None, district: str | None) -> list:
    return [
        order.number,
        _local(order.created_at),
        str(order.status.label),
        str(order.payment_status.label),
        str(order.payment_method.label),
        str(order.delivery_method.label),
        order.buyer_name,
        phone_display(order.buyer_phone),
        order.buyer_email or "",
        order.address,
        district or "",
        regency or "",
        province or "",
        "; ".join(
            f"{line.product_name} ({line.variant_label}) × {line.quantity}" for line in order.lines
        ),
        sum(line.quantity for line in order.lines),
        order.subtotal,
        "" if order.shipping_fee is None else order.shipping_fee,
        order.unique_code,
        "" if order.total is None else order.total,
        _local(order.paid_at),
        order.courier,
        order.tracking_number,
        order.note,
        order.cancel_reason,
    ]


def orders_csv(group: Group, status: OrderStatus | None = None) -> str:
    """The group's orders as CSV text, UTF-8 with a BOM (so Excel reads it as
    UTF-8); money as whole rupiah, times in WIB; text that a spreadsheet would
    run as a formula ("=…", "+…") is neutralised by defusedcsv."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = safe_csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(_header())
    for order, province, regency, district in db.session.execute(_export_query(group, status)):
        writer.writerow(_row(order, province, regency, district))
    return out.getvalue()
