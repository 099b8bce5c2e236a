"""record_proof on a real database: a receipt is kept once, a bad one leaves
nothing behind. Serving a proof is in test_proof_serving.py, the upload form
in test_proof_form.py."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import DeliveryMethod, PaymentMethod
from shop.media.jobs import make_variants
from shop.media.models import Document, Image
from shop.media.storage import LocalStorage
from shop.orders.models import Order, OrderStatus, PaymentStatus
from shop.payments.models import PaymentProof
from shop.payments.transfer import MAX_PROOFS, record_proof
from tests.factories import transfer_order as make_order
from tests.integration.payments.receipts import (
    IMAGES,
    document,
    jpeg,
    media_fixture,  # noqa: F401
    upload,
)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def files(storage: LocalStorage) -> list[str]:
    return sorted(f.path for f in storage.iter_files())


def english(message) -> str:
    with force_locale("en"):
        return str(message)


def kinds(order: Order) -> list[str]:
    return [event.kind for event in order.events]


# accepted


def test_a_pdf_receipt_becomes_a_proof_and_the_order_awaits_the_group(media):
    order = make_order()

    proof = record_proof(order, upload(document("receipt.pdf"), "bukti.pdf"))

    assert proof.id is not None and proof.order_id == order.id
    assert proof.image is None
    assert proof.document.content_type == "application/pdf"
    assert proof.document.size == len(document("receipt.pdf"))
    assert files(media) == [proof.document.path]
    assert media.read(proof.document.path) == document("receipt.pdf")
    assert order.payment_status is PaymentStatus.PROOF_SENT
    assert kinds(order) == ["placed", "proof"]


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (jpeg(), "IMG_0001.jpg"),
        ((IMAGES / "phone.heic").read_bytes(), "IMG_0002.HEIC"),
        ((IMAGES / "tiny.webp").read_bytes(), "screenshot.webp"),
        ((IMAGES / "transparent.png").read_bytes(), "Screenshot_2024.png"),
    ],
    ids=["jpeg", "heic", "webp", "png"],
)
def test_a_photo_of_the_receipt_becomes_a_proof(media, data, filename):
    order = make_order(status=OrderStatus.CONFIRMED)

    proof = record_proof(order, upload(data, filename))
    # Stored as sent, privately, until the job makes its variants.
    assert files(media) == [proof.image.original_path]
    assert proof.image.original_path.startswith("private/")
    make_variants(proof.image_id)

    assert proof.document is None
    assert proof.image.width_list and proof.image.private
    paths = sorted(proof.image.path_for(w) for w in proof.image.width_list)
    assert files(media) == paths
    assert all(path.startswith("private/") for path in paths)
    assert order.payment_status is PaymentStatus.PROOF_SENT
    assert kinds(order)[-1] == "proof"


def test_the_content_decides_not_the_name(media):
    order = make_order()

    photo_named_pdf = record_proof(order, upload(jpeg(), "bukti.pdf"))
    pdf_named_jpg = record_proof(order, upload(document("receipt.pdf"), "bukti.jpg"))

    assert photo_named_pdf.image is not None and photo_named_pdf.document is None
    assert pdf_named_jpg.document is not None and pdf_named_jpg.image is None


def test_the_same_pdf_twice_is_stored_once(media):
    order = make_order()

    first = record_proof(order, upload(document("receipt.pdf"), "bukti.pdf"))
    second = record_proof(order, upload(document("receipt.pdf"), "bukti (1).pdf"))

    assert first.id != second.id
    assert first.document_id == second.document_id
    assert count(Document) == 1
    assert files(media) == [first.document.path]
    assert kinds(order) == ["placed", "proof", "proof"]


def test_a_buyer_may_send_a_few_proofs_but_not_more(media):
    order = make_order()
    for shade in range(MAX_PROOFS):
        record_proof(order, upload(jpeg(color=(shade * 40, 90, 200)), f"foto-{shade}.jpg"))
    images, stored = count(Image), files(media)

    with pytest.raises(DomainError) as refused:
        record_proof(order, upload(document("receipt.pdf"), "bukti.pdf"))

    assert english(refused.value.message) == (
        "This order already has 5 transfer proofs. "
        "If something is wrong, contact the group on WhatsApp."
    )
    assert count(PaymentProof) == MAX_PROOFS
    assert (count(Image), count(Document), files(media)) == (images, 0, stored)


# rejected files

PHOTO_OR_PDF = (
    "This file is neither a photo nor a PDF we can read. "
    "Send a photo (JPEG, PNG, WebP or HEIC) or a PDF of the transfer receipt."
)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.pdf", "The file is empty. Choose the photo or PDF of your transfer receipt."),
        ("html_named.pdf", PHOTO_OR_PDF),
        ("truncated.pdf", "This PDF is damaged or incomplete. Try downloading or saving it again."),
        (
            "encrypted.pdf",
            "This PDF is protected with a password. "
            "Send a copy without a password, or a screenshot.",
        ),
        (
            "openaction_javascript.pdf",
            "This PDF contains scripts or actions, which we do not accept. "
            "Print it to a new PDF, or send a screenshot.",
        ),
        (
            "hidden_javascript.pdf",
            "This PDF contains scripts or actions, which we do not accept. "
            "Print it to a new PDF, or send a screenshot.",
        ),
        (
            "launch_link.pdf",
            "This PDF contains scripts or actions, which we do not accept. "
            "Print it to a new PDF, or send a screenshot.",
        ),
        (
            "embedded_file.pdf",
            "This PDF contains attached files, which we do not accept. "
            "Print it to a new PDF, or send a screenshot.",
        ),
    ],
)
def test_a_bad_file_is_refused_and_leaves_nothing_behind(media, name, message):
    order = make_order()

    with pytest.raises(DomainError) as rejected:
        record_proof(order, upload(document(name), name))

    assert english(rejected.value.message) == message
    assert rejected.value.field == "proof"
    db.session.flush()
    assert (count(PaymentProof), count(Document), count(Image)) == (0, 0, 0)
    assert files(media) == []
    assert order.payment_status is PaymentStatus.UNPAID
    assert kinds(order) == ["placed"]


def test_a_damaged_photo_keeps_the_photo_pipelines_message(media):
    order = make_order()

    with pytest.raises(DomainError) as rejected:
        record_proof(order, upload((IMAGES / "truncated.jpg").read_bytes(), "foto.jpg"))

    assert english(rejected.value.message) == (
        "This photo is damaged or incomplete. Try sending the original photo again."
    )
    assert (count(PaymentProof), count(Image), files(media)) == (0, 0, [])


def test_an_oversized_pdf_is_refused_after_reading_just_past_the_limit(app, media):
    limit = app.config["UPLOAD_MAX_BYTES"]
    stream = io.BytesIO(document("receipt.pdf") + b"\0" * limit)

    with pytest.raises(DomainError) as rejected:
        record_proof(make_order(), FileStorage(stream, filename="besar.pdf"))

    assert english(rejected.value.message) == "The file is too large (max 12 MB)."
    assert stream.tell() == limit + 1
    assert (count(Document), files(media)) == (0, [])


def test_a_rollback_after_recording_removes_the_new_file(media):
    order = make_order()
    record_proof(order, upload(document("receipt.pdf"), "bukti.pdf"))
    assert files(media)

    db.session.rollback()

    assert files(media) == []
    assert count(Document) == 0


# refused orders


@pytest.mark.parametrize(
    ("order_fields", "message"),
    [
        ({"payment": PaymentMethod.CASH}, "This order is not paid by bank transfer or QRIS."),
        ({"payment": PaymentMethod.CARD}, "This order is not paid by bank transfer or QRIS."),
        (
            {"status": OrderStatus.CONFIRMED, "payment_status": PaymentStatus.PAID},
            "This order is already paid.",
        ),
        (
            {"status": OrderStatus.COMPLETED, "payment_status": PaymentStatus.PAID},
            "This order is already paid.",
        ),
        (
            {"status": OrderStatus.CANCELLED},
            "This order is closed and takes no more transfer proofs.",
        ),
        (
            {"status": OrderStatus.EXPIRED},
            "This order is closed and takes no more transfer proofs.",
        ),
        (
            {"delivery": DeliveryMethod.COURIER, "shipping_fee": None},
            "Wait until the group confirms the courier fee: "
            "then you will see the amount to transfer.",
        ),
    ],
    ids=["cash", "card", "paid", "completed", "cancelled", "expired", "courier-fee-unknown"],
)
def test_a_proof_is_refused_when_the_order_takes_none(media, order_fields, message):
    order = make_order(**order_fields)

    with pytest.raises(DomainError) as refused:
        record_proof(order, upload(document("receipt.pdf"), "bukti.pdf"))

    assert english(refused.value.message) == message
    assert refused.value.field is None
    assert (count(PaymentProof), count(Document), files(media)) == (0, 0, [])
    assert kinds(order) == ["placed"]


def test_the_order_is_read_afresh_before_the_rules_apply(media):
    """A group marking the order paid a moment ago wins over a stale copy."""
    order = make_order(status=OrderStatus.CONFIRMED)
    db.session.execute(
        Order.__table__.update()
        .where(Order.__table__.c.id == order.id)
        .values(payment_status=PaymentStatus.PAID.value)
    )

    with pytest.raises(DomainError) as refused:
        record_proof(order, upload(document("receipt.pdf"), "bukti.pdf"))

    assert english(refused.value.message) == "This order is already paid."


def test_the_group_hears_of_a_proof(media):
    from shop.notify.models import OutboxMessage
    from tests.factories import MembershipFactory, UserFactory

    order = make_order()
    MembershipFactory(group=order.group, user=UserFactory(email="ketua@kelompok.test"))
    record_proof(order, upload(document("receipt.pdf"), "bukti.pdf"))
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "proof_received")
    ).all()
    assert [m.recipient for m in messages] == ["ketua@kelompok.test"]
    assert order.number in messages[0].subject
