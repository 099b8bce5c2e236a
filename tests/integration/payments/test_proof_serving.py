"""A transfer proof served to the group: the PDF inline, a photo as its
largest WebP (or "still being prepared"), never cached, only within its order."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from shop.media.jobs import make_variants
from shop.payments.proofs import get_proof_for_order_or_404, order_proofs, send_proof
from shop.payments.transfer import record_proof
from tests.factories import transfer_order as make_order
from tests.integration.payments.receipts import (
    document,
    jpeg,
    media_fixture,  # noqa: F401
    upload,
)


def test_a_pdf_proof_is_served_inline_and_never_cached(app, media):
    order = make_order()
    proof = record_proof(order, upload(document("receipt.pdf"), "bukti.pdf"))

    with app.test_request_context():
        response = send_proof(proof)
        response.direct_passthrough = False
        body = response.get_data()
        response.close()

    assert body == document("receipt.pdf")
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"] == (
        f"inline; filename=bukti-transfer-{proof.id}.pdf"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Expires" not in response.headers and "ETag" not in response.headers


def test_a_photo_proof_is_served_as_its_largest_webp(app, media):
    proof = record_proof(make_order(), upload(jpeg(), "foto.jpg"))
    make_variants(proof.image_id)

    with app.test_request_context():
        response = send_proof(proof)
        response.direct_passthrough = False
        body = response.get_data()
        response.close()

    assert response.mimetype == "image/webp"
    assert body == media.read(proof.image.path_for(max(proof.image.width_list)))
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"].startswith("inline;")


def test_a_proof_whose_file_is_gone_is_a_404(app, media):
    proof = record_proof(make_order(), upload(document("receipt.pdf"), "bukti.pdf"))
    media.delete(proof.document.path)

    with app.test_request_context(), pytest.raises(NotFound):
        send_proof(proof)


def test_proofs_are_looked_up_within_their_order(media):
    order, other = make_order(), make_order()
    first = record_proof(order, upload(document("receipt.pdf"), "bukti.pdf"))
    second = record_proof(order, upload(jpeg(), "foto.jpg"))
    elsewhere = record_proof(other, upload(jpeg(color=(0, 0, 0)), "foto.jpg"))

    assert [p.id for p in order_proofs(order)] == [first.id, second.id]
    assert get_proof_for_order_or_404(order, second.id) is second
    with pytest.raises(NotFound):
        get_proof_for_order_or_404(order, elsewhere.id)


def test_a_photo_proof_still_being_prepared_says_so(app, media):
    proof = record_proof(make_order(), upload(jpeg(), "foto.jpg"))

    with app.test_request_context():
        waiting = send_proof(proof)
    make_variants(proof.image_id)
    with app.test_request_context():
        ready = send_proof(proof)
        ready.close()

    assert waiting.status_code == 503 and waiting.headers["Retry-After"] == "5"
    assert "Foto ini baru saja dikirim dan masih disiapkan." in waiting.get_data(as_text=True)
    assert waiting.headers["Cache-Control"] == "private, no-store"
    assert ready.status_code == 200 and ready.mimetype == "image/webp"
