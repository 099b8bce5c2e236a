"""Bank transfer and QRIS: the buyer sends a proof of the payment, the group checks it.

The buyer transfers the order's total (which carries its unique code) to
one of the group's accounts, or pays it with the order's QRIS (the amount
QR of shop.payments.qris), and uploads the receipt here; the group then
marks the order paid with shop.orders.services.mark_paid.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from shop.accounts.models import User
from shop.errors import DomainError
from shop.extensions import db
from shop.media.evidence import store_evidence
from shop.orders.alerts import notify_group_proof
from shop.orders.models import Order, OrderStatus, PaymentStatus
from shop.orders.services import add_event
from shop.payments.models import PaymentProof

MAX_PROOFS = 5
# Before the group confirms, or while waiting for the money after it did.
PROOF_STATES = (OrderStatus.PLACED, OrderStatus.CONFIRMED)

NOT_A_TRANSFER = _l("This order is not paid by bank transfer or QRIS.")
ALREADY_PAID = _l("This order is already paid.")
CLOSED = _l("This order is closed and takes no more transfer proofs.")
FEE_UNKNOWN = _l(
    "Wait until the group confirms the courier fee: then you will see the amount to transfer."
)
EMPTY_FILE = _l("The file is empty. Choose the photo or PDF of your transfer receipt.")
PHOTO_OR_PDF = _l(
    "This file is neither a photo nor a PDF we can read. "
    "Send a photo (JPEG, PNG, WebP or HEIC) or a PDF of the transfer receipt."
)


def too_many_proofs(limit: int):
    return _l(
        "This order already has %(count)d transfer proofs. "
        "If something is wrong, contact the group on WhatsApp.",
        count=limit,
    )


class ProofRefused(DomainError):
    """A proof cannot be taken for this order now, or the file is not one."""


def record_proof(
    order: Order,
    upload: FileStorage | bytes,
    *,
    by: User | None = None,
    field: str | None = "proof",
) -> PaymentProof:
    """Keep the buyer's transfer receipt and tell the group to check it.

    Rules, and why:
    - Only for a transfer order that is placed or confirmed and not paid:
      afterwards there is nothing left to prove. A courier order waits for
      its fee, since until then nobody knows the amount to transfer.
    - The order row is locked (PostgreSQL) and re-read first, so a group
      marking it paid, or a second upload, at the same moment is seen.
    - At most MAX_PROOFS per order: a buyer may send a second, better photo,
      but not fill the group's page.
    - The file is a photo or a PDF by its content, never its name: `%PDF-`
      at the start goes to store_document, anything else to the photo
      pipeline. A rejected file raises a DomainError on `field` and leaves
      no row and no file; a failed transaction removes the files it wrote.
    - The order's payment status becomes "proof sent" and its timeline gets
      a "proof" event; only the group's mark_paid makes it paid.
    Never commits: the view does.
    """
    # Flushed first, so the refresh cannot discard a caller's pending change.
    db.session.flush()
    # "of": only the order row; the eager-loaded group comes by an outer join.
    db.session.refresh(order, with_for_update={"of": Order})
    _check_order(order)

    image, document = store_evidence(
        upload,
        field=field,
        empty_message=EMPTY_FILE,
        not_readable_message=PHOTO_OR_PDF,
        error=ProofRefused,
    )
    proof = PaymentProof(order_id=order.id, image=image, document=document)
    db.session.add(proof)

    order.payment_status = PaymentStatus.PROOF_SENT
    add_event(order, "proof", by=by)
    notify_group_proof(order, by)
    db.session.flush()
    return proof


def proof_count(order: Order) -> int:
    return db.session.scalar(
        select(func.count()).select_from(PaymentProof).where(PaymentProof.order_id == order.id)
    )


def can_send_proof(order: Order) -> bool:
    """Whether the buyer's page should offer the upload form now."""
    try:
        _check_order(order)
    except ProofRefused:
        return False
    return True


def _check_order(order: Order) -> None:
    if not order.payment_method.sent_by_buyer:
        raise ProofRefused(NOT_A_TRANSFER)
    if order.is_paid:
        raise ProofRefused(ALREADY_PAID)
    if order.status not in PROOF_STATES:
        raise ProofRefused(CLOSED)
    if order.total is None:
        raise ProofRefused(FEE_UNKNOWN)
    if proof_count(order) >= MAX_PROOFS:
        raise ProofRefused(too_many_proofs(MAX_PROOFS))
