"""Showing transfer proofs to the group and the buyer, and to nobody else.

A receipt shows names, account numbers and amounts, so it is never served
from the public, cacheable /media/ address: the group's order page and the
buyer's tracking page check who is asking, then answer with send_proof.
"""

from __future__ import annotations

from flask import Response, abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.extensions import db
from shop.media.evidence import send_evidence
from shop.orders.models import Order
from shop.payments.models import PaymentProof


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
    return send_evidence(proof.image, proof.document, name=f"bukti-transfer-{proof.id}")
