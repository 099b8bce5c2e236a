"""QRIS as a way to pay: offered only by a group that confirmed its QRIS;
the order gets a unique code like a transfer, and its confirmation and
tracking pages show a QR carrying the exact amount (read back from the page
itself with zbarimg), the amount and the merchant in words; the buyer sends
the receipt and the group marks it paid, as for a transfer."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from PIL import Image
from sqlalchemy import select

from shop.extensions import db
from shop.groups.models import PaymentMethod, Role
from shop.groups.qris import crc, parse_tlv
from shop.media.pdf import write_pdf
from shop.orders.alerts import buyer_email
from shop.orders.models import Order, OrderStatus, PaymentStatus
from shop.orders.services import new_order_numbers
from tests.factories import GroupFactory, MembershipFactory, make_order
from tests.functional.checkout.test_transfer_needs_bank_account import in_cart, orders_of, place
from tests.qris_samples import STICKER

SVG = re.compile(r"<svg\b.*?</svg>", re.S)


@pytest.fixture
def qris_group():
    return GroupFactory(
        name="Kue Bu Siti", accepts_qris=True, qris_payload=STICKER, accepts_cash=False
    )


def fields_of(payload: str) -> dict[str, str]:
    return {f.tag: f.value for f in parse_tlv(payload)}


def scanned(html: str, tmp_path) -> str:
    """The QR code drawn in the page, read as a phone would: its inline SVG
    drawn into a PDF (WeasyPrint), the PDF into a PNG (pdftoppm), the PNG
    read by zbarimg."""
    svg = SVG.search(html).group(0)
    pdf = write_pdf(f'<html><body><div style="width:8cm">{svg}</div></body></html>')
    (tmp_path / "qr.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "qr.pdf", "qr"],
        cwd=tmp_path,
        check=True,
    )
    [png] = tmp_path.glob("qr*.png")
    done = subprocess.run(
        ["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_qris_is_offered_only_by_a_group_with_a_confirmed_qris(client):
    without = GroupFactory(accepts_qris=True, qris_payload=None)
    page = in_cart(client, without)
    assert f'value="{PaymentMethod.QRIS.value}"' not in page
    refused = place(client, page, without, "qris")
    assert f"{without.name} does not accept this payment." in refused.get_data(as_text=True)
    assert orders_of(without) == 0


def test_a_group_taking_only_qris_can_be_ordered_from(client):
    only_qris = GroupFactory(
        bank_account=None,
        accepts_transfer=False,
        accepts_cash=False,
        accepts_qris=True,
        qris_payload=STICKER,
    )
    page = in_cart(client, only_qris)
    assert "cannot take payment yet" not in page
    assert f'name="payment-{only_qris.id}" value="qris"' in page


def test_a_buyer_pays_by_qris_with_the_exact_amount(client, login_as, qris_group, tmp_path):
    page = in_cart(client, qris_group)
    assert f'name="payment-{qris_group.id}" value="qris"' in page
    placed = place(client, page, qris_group, "qris")
    assert placed.status_code == 303
    order = db.session.scalars(select(Order).where(Order.group_id == qris_group.id)).one()
    assert order.payment_method is PaymentMethod.QRIS
    assert 1 <= order.unique_code <= 499
    total = order.total
    assert total == 20000 + order.unique_code

    confirmation = client.get(placed.headers["Location"]).get_data(as_text=True)
    tracking_url = f"/lacak/{order.number}/{order.tracking_token}"
    tracking = client.get(tracking_url).get_data(as_text=True)
    amount = f"Rp{total:,}"
    for html in (confirmation, tracking):
        assert (
            f'it fills in exactly <strong class="nowrap">{amount}</strong> for KUE BU SITI JAMBI'
            in html
        )
        assert f"<title>QRIS code: pay {amount} to KUE BU SITI JAMBI</title>" in html
        assert "KUE BU SITI JAMBI · JAMBI" in html

    payload = scanned(tracking, tmp_path)
    (tmp_path / "confirmation").mkdir()
    assert scanned(confirmation, tmp_path / "confirmation") == payload
    values = fields_of(payload)
    assert values["01"] == "12"
    assert values["54"] == str(total)
    assert values["59"] == "KUE BU SITI JAMBI" and values["53"] == "360"
    assert values["63"] == crc(payload[:-4])

    # The buyer sends the receipt from the tracking page...
    assert "Send your QRIS payment receipt" in tracking
    receipt = io.BytesIO()
    Image.new("RGB", (400, 600), (240, 240, 240)).save(receipt, "JPEG")
    receipt.seek(0)
    sent = client.post(
        f"{tracking_url}/bukti",
        data={"proof": (receipt, "struk-qris.jpg")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303
    assert db.session.get(Order, order.id).payment_status is PaymentStatus.PROOF_SENT

    # ...and the group confirms the order and marks it paid, as for a transfer.
    login_as(MembershipFactory(group=qris_group, role=Role.MEMBER).user)
    manage = f"/kelola/{qris_group.slug}/pesanan/{order.number}"
    detail = client.get(manage).get_data(as_text=True)
    assert "<dd>QRIS · Payment proof sent</dd>" in detail
    assert f"/kelola/{qris_group.slug}/pesanan/{order.number}/bukti/" in detail
    assert client.post(f"{manage}/konfirmasi").status_code == 303
    assert client.post(f"{manage}/lunas", data={"note": "QRIS BRI"}).status_code == 303
    paid = db.session.get(Order, order.id)
    assert paid.payment_status is PaymentStatus.PAID
    after = client.get(tracking_url).get_data(as_text=True)
    assert "<svg" not in after.split('class="pay-box', 1)[1].split("</div>", 1)[0]
    assert "Payment received. Thank you!" in after


def test_no_qr_without_the_groups_qris_or_once_closed(client, qris_group):
    open_order = make_order(qris_group, payment=PaymentMethod.QRIS, unique_code=12)
    url = f"/lacak/{open_order.number}/{open_order.tracking_token}"
    client.get("/bahasa/en")
    assert "<title>QRIS code: pay" in client.get(url).get_data(as_text=True)

    qris_group.qris_payload = None
    db.session.flush()
    told = client.get(url).get_data(as_text=True)
    assert "<title>QRIS code: pay" not in told
    assert "the group will send you its QRIS on WhatsApp" in told

    qris_group.qris_payload = STICKER
    open_order.status = OrderStatus.CANCELLED
    db.session.flush()
    assert "<title>QRIS code: pay" not in client.get(url).get_data(as_text=True)


def test_open_qris_orders_hold_their_unique_codes(app_ctx, qris_group):
    make_order(qris_group, payment=PaymentMethod.QRIS, unique_code=7)
    make_order(qris_group, payment=PaymentMethod.TRANSFER, unique_code=9)
    make_order(qris_group, payment=PaymentMethod.CASH, unique_code=0)
    make_order(qris_group, payment=PaymentMethod.QRIS, unique_code=11, status=OrderStatus.EXPIRED)
    _numbers, codes = new_order_numbers(1, [qris_group.id])
    assert codes[qris_group.id] == {7, 9}


def test_the_tracking_page_of_a_qris_order_costs_no_more_statements(
    client, qris_group, count_queries
):
    by_transfer = make_order(qris_group, payment=PaymentMethod.TRANSFER, unique_code=3)
    by_qris = make_order(qris_group, payment=PaymentMethod.QRIS, unique_code=4)
    counts = []
    for order in (by_transfer, by_qris):
        url = f"/lacak/{order.number}/{order.tracking_token}"
        client.get(url)
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[1] == counts[0]


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en", "Pay exactly {amount} by QRIS: your order page shows the QRIS code"),
        ("id", "Bayar tepat {amount} dengan QRIS: halaman pesanan Anda menampilkan kode QRIS"),
    ],
)
def test_the_buyers_email_says_how_to_pay_by_qris(app_ctx, qris_group, locale, words):
    order = make_order(
        qris_group,
        payment=PaymentMethod.QRIS,
        unique_code=21,
        buyer_email="ani@example.com",
        locale=locale,
    )
    message = buyer_email(order, "placed")
    amount = f"Rp{order.total:,}".replace(",", "." if locale == "id" else ",")
    expected = words.format(amount=amount)
    assert expected in message.body_text
    assert expected in " ".join(message.body_html.split())
