"""Refunds on the monitoring page and its exports: a figure of their own,
never in the sales, only for the groups in scope."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from shop.extensions import db
from shop.orders import services
from shop.orders.models import OrderStatus, PaymentStatus
from tests.factories import make_order

PAID = PaymentStatus.PAID


@pytest.fixture
def refunded_sales(group_in_scope, group_out_of_scope):
    recently = datetime.now(UTC) - timedelta(days=3)
    make_order(
        group_in_scope,
        created_at=recently,
        status=OrderStatus.CONFIRMED,
        payment_status=PAID,
        lines=[("Abon", 25000, 2)],
    )
    cancelled = make_order(
        group_in_scope,
        created_at=recently,
        status=OrderStatus.CONFIRMED,
        payment_status=PAID,
        lines=[("Kerupuk", 10000, 3)],
    )
    services.cancel_order(cancelled, "Bahan habis", by=None)
    elsewhere = make_order(
        group_out_of_scope,
        created_at=recently,
        status=OrderStatus.CONFIRMED,
        payment_status=PAID,
        lines=[("Dodol", 777000, 1)],
    )
    services.cancel_order(elsewhere, "Habis", by=None)
    db.session.commit()


def test_refunds_are_counted_apart_from_sales(
    client, as_coordinator, jambi_uppka, refunded_sales, group_in_scope
):
    as_coordinator(jambi_uppka)
    client.get("/bahasa/en")

    html = client.get("/koordinator/monev", query_string={"per": "group"}).get_data(as_text=True)
    assert "Rp30,000</span> refunds to buyers (not sales)" in html
    assert "Rp50,000</span> total sales, online and consignment" in html

    body = client.get("/koordinator/monev.csv", query_string={"per": "group"}).data
    rows = list(csv.reader(io.StringIO(body.decode("utf-8")[1:])))
    refunds = rows[0].index("Refunds to buyers (Rp)")
    sales = rows[0].index("Total sales (Rp)")
    mine = next(row for row in rows if row[0] == group_in_scope.name)
    assert (mine[1], mine[sales], mine[refunds]) == ("1", "50000", "30000")
    assert rows[-1][refunds] == "30000"  # the other programme's refund is not in scope
