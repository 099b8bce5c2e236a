"""Per-address limits on a buyer's tracking pages and on guest transfer proofs."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from shop.extensions import db, limiter
from shop.payments.models import PaymentProof
from tests.factories import transfer_order

OTHER_ADDRESS = {"REMOTE_ADDR": "10.20.30.40"}


@pytest.fixture
def limits(app):
    """Set rate limits for one test; counts start from nothing and are forgotten after."""
    saved = {key: app.config[key] for key in ("TRACKING_RATE_LIMIT", "PROOF_UPLOAD_RATE_LIMIT")}
    limiter.reset()
    yield app.config.update
    app.config.update(saved)
    limiter.reset()


def receipt() -> tuple[io.BytesIO, str]:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (30, 60, 90)).save(buffer, "JPEG")
    buffer.seek(0)
    return buffer, "struk.jpg"


def send_proof(client, order, **kwargs):
    return client.post(
        f"/lacak/{order.number}/{order.tracking_token}/bukti",
        data={"proof": receipt()},
        content_type="multipart/form-data",
        **kwargs,
    )


def proofs() -> int:
    return db.session.scalar(select(func.count()).select_from(PaymentProof))


def test_guest_proofs_are_limited_per_address(client, limits):
    limits(PROOF_UPLOAD_RATE_LIMIT="3 per hour")
    client.set_cookie("lang", "en")
    orders = [transfer_order() for _ in range(4)]
    # Three receipts for three orders from one address go through...
    for order in orders[:3]:
        assert send_proof(client, order).status_code == 303
    assert proofs() == 3

    # ...the fourth, even for another order, is refused on its tracking page.
    refused = send_proof(client, orders[3])
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert orders[3].number in page  # the buyer's own tracking page
    assert "You have sent many proofs from this connection in a short time" in page
    assert proofs() == 3  # nothing saved

    # Another buyer, at another address, is not held up.
    assert send_proof(client, orders[3], environ_base=OTHER_ADDRESS).status_code == 303
    assert proofs() == 4


def test_tracking_pages_are_limited_per_address(client, limits):
    limits(TRACKING_RATE_LIMIT="4 per minute")
    order = transfer_order()
    assert send_proof(client, order).status_code == 303
    proof = db.session.scalar(select(PaymentProof))
    page = f"/lacak/{order.number}/{order.tracking_token}"

    answers = [client.get(page).status_code for _ in range(3)]
    answers.append(client.get(f"{page}/bukti/{proof.id}").status_code)  # same budget
    assert answers == [200, 200, 200, 200]
    assert client.get(page).status_code == 429
    assert client.get(f"{page}/bukti/{proof.id}").status_code == 429
    assert client.get(page, environ_base=OTHER_ADDRESS).status_code == 200
