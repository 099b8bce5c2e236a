"""Showing transfer proofs to the group and the buyer, and to nobody else.

A receipt shows names, account numbers and amounts, so it is never served
from the public, cacheable /media/ address: the group's order page and the
buyer's tracking page check who is asking, then answer with send_proof.
"""

from __future__ import annotations

from flask import Response, abort, send_file
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.extensions import db
from shop.media.storage import get_storage
from shop.orders.models import Order
from shop.payments.models import PaymentProof

WEBP_TYPE = "image/webp"


def order_proofs(order: Order) -> list[PaymentProof]:
    """The order's proofs, oldest first, with their image or document loaded."""
    return list(
        db.session.scalars(
            select(PaymentProof)
            .where(PaymentProof.order_id == order.id)
            .options(selectinload(PaymentProof.image), selectinload(PaymentProof.document))
            .order_by(PaymentProof.id)
        )
    )


def get_proof_for_order_or_404(order: Order, proof_id: int) -> PaymentProof:
    """The proof `proof_id` of this order; another order's proof is a 404, so
    a number guessed in the URL shows nothing."""
    proof = db.session.scalar(
        select(PaymentProof).where(PaymentProof.id == proof_id, PaymentProof.order_id == order.id)
    )
    if proof is None:
        abort(404)
    return proof


def send_proof(proof: PaymentProof) -> Response:
    """The proof's file as a private response: a PDF as it was sent, a photo
    as its largest WebP variant.

    `private, no-store`: neither a shared proxy nor the browser's cache keeps
    it (a shared phone is common). `inline`, so the phone shows it rather
    than downloading it, with a file name for "save". `nosniff`, so the
    browser trusts the content type we verified. A missing file is a 404.
    """
    if proof.document is not None:
        path, mimetype, extension = proof.document.path, proof.document.content_type, "pdf"
    elif proof.image is not None and proof.image.width_list:
        path, mimetype, extension = (
            proof.image.path_for(max(proof.image.width_list)),
            WEBP_TYPE,
            "webp",
        )
    else:
        abort(404)
    try:
        stream = get_storage().open(path)
    except FileNotFoundError:
        abort(404)

    response = send_file(
        stream,
        mimetype=mimetype,
        as_attachment=False,
        download_name=f"bukti-transfer-{proof.id}.{extension}",
        conditional=False,
        etag=False,
        max_age=0,
    )
    # Replaces send_file's "no-cache, max-age=0" and drops its Expires.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers.remove("Expires")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
