"""A member of one group never reaches another group's orders: 404 everywhere."""

from __future__ import annotations

import pytest

from shop.extensions import db
from shop.orders.export import orders_csv
from shop.orders.models import OrderStatus
from tests.factories import PDF, PaymentProofFactory, stored_pdf

ACTIONS = ("konfirmasi", "lunas", "kemas", "kirim", "siap", "selesai", "batal")


@pytest.fixture
def theirs(other_group, order_factory):
    return order_factory(other_group, status=OrderStatus.CONFIRMED)


def test_detail_slip_and_proof_of_another_group_are_404(client, group, theirs):
    proof = PaymentProofFactory(order=theirs, document=stored_pdf("b" * 64))
    # Their number under my group's address, and my membership cannot open theirs.
    for slug in (group.slug, theirs.group.slug):
        base = f"/kelola/{slug}/pesanan/{theirs.number}"
        assert client.get(base).status_code == 404
        assert client.get(f"{base}/slip").status_code == 404
        assert client.get(f"{base}/bukti/{proof.id}").status_code == 404


@pytest.mark.parametrize("action", ACTIONS)
def test_actions_on_another_groups_order_are_404(client, group, theirs, action):
    for slug in (group.slug, theirs.group.slug):
        response = client.post(
            f"/kelola/{slug}/pesanan/{theirs.number}/{action}",
            data={"reason": "x", "courier": "JNE", "shipping_fee": "1"},
        )
        assert response.status_code == 404
    db.session.expire_all()
    assert theirs.status is OrderStatus.CONFIRMED


def test_a_proof_of_another_order_is_404(client, group, order_factory, theirs):
    mine = order_factory(group, status=OrderStatus.CONFIRMED)
    their_proof = PaymentProofFactory(order=theirs, document=stored_pdf("c" * 64))
    assert (
        client.get(f"/kelola/{group.slug}/pesanan/{mine.number}/bukti/{their_proof.id}").status_code
        == 404
    )


def test_own_proof_is_served_privately(client, group, order_factory):
    order = order_factory(group, status=OrderStatus.CONFIRMED)
    proof = PaymentProofFactory(order=order, document=stored_pdf("d" * 64))
    page = client.get(f"/kelola/{group.slug}/pesanan/{order.number}").get_data(as_text=True)
    link = f"/kelola/{group.slug}/pesanan/{order.number}/bukti/{proof.id}"
    assert f'href="{link}"' in page

    response = client.get(link)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == PDF
    assert "no-store" in response.headers["Cache-Control"]


def test_export_holds_only_the_groups_own_orders(app_ctx, group, other_group, order_factory):
    mine = order_factory(group)
    theirs = order_factory(other_group)
    text = orders_csv(group)
    assert mine.number in text
    assert theirs.number not in text


def test_logged_out_is_sent_to_log_in(app, group, order_factory):
    order = order_factory(group)
    anonymous = app.test_client()
    response = anonymous.get(f"/kelola/{group.slug}/pesanan/{order.number}")
    assert response.status_code == 302
    assert "/masuk" in response.location
