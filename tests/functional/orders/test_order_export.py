"""CSV export: one row per order, UTF-8 with a BOM, formulas neutralised, WIB times."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from shop.groups.models import DeliveryMethod
from shop.orders.models import OrderStatus, PaymentStatus


def rows(response) -> list[dict[str, str]]:
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_export(client, group, order_factory):
    order = order_factory(
        group,
        buyer_name='=HYPERLINK("http://evil.test","klik")',
        buyer_phone="+6281355556666",
        delivery=DeliveryMethod.COURIER,
        shipping_fee=18000,
        created_at=datetime(2026, 10, 31, 20, 0, tzinfo=UTC),
        regency_code="15.05",
        province_code="15",
        lines=[("Abon Lele", 25000, 2), ("+Kerupuk", 12000, 1)],
        payment_status=PaymentStatus.PAID,
        paid_at=datetime(2026, 11, 1, 1, 30, tzinfo=UTC),
        status=OrderStatus.CONFIRMED,
    )

    response = client.get(f"/kelola/{group.slug}/pesanan.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.mimetype_params["charset"] == "utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f"attachment; filename=pesanan-{group.slug}-")
    assert disposition.endswith(".csv")
    assert "no-store" in response.headers["Cache-Control"]
    [row] = rows(response)
    assert row["Order number"] == order.number
    assert row["Placed (WIB)"] == "2026-11-01 03:00"
    assert row["Paid (WIB)"] == "2026-11-01 08:30"
    assert row["Buyer"].startswith("'=HYPERLINK")
    assert row["Phone"] == "0813-5555-6666"
    assert row["Products"] == "Abon Lele (100 g) × 2; +Kerupuk (100 g) × 1"
    assert row["Items"] == "3"
    assert row["Subtotal (Rp)"] == "62000"
    assert row["Shipping fee (Rp)"] == "18000"
    assert row["Total (Rp)"] == str(80000 + order.unique_code)
    assert row["Regency/city"].endswith("Muaro Jambi")
    assert row["Status"] == "Confirmed"
    assert row["Payment status"] == "Paid"


def test_csv_export_follows_the_status_filter_and_keeps_unknown_totals_empty(
    client, group, order_factory
):
    waiting = order_factory(group, delivery=DeliveryMethod.COURIER, shipping_fee=None)
    order_factory(group, status=OrderStatus.CANCELLED)

    response = client.get(f"/kelola/{group.slug}/pesanan.csv?status=placed")

    [row] = rows(response)
    assert row["Order number"] == waiting.number
    assert row["Shipping fee (Rp)"] == ""
    assert row["Total (Rp)"] == ""


def test_csv_of_a_group_without_orders_has_the_header_only(client, group):
    response = client.get(f"/kelola/{group.slug}/pesanan.csv")
    assert rows(response) == []
    assert response.data.decode("utf-8").count("\r\n") == 1
