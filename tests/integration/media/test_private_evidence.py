"""Evidence (decree photos, transfer proofs) is never public; removed documents are swept."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from PIL import Image as PILImage
from sqlalchemy import select

from shop.db import utcnow
from shop.extensions import db
from shop.groups.models import DocumentKind
from shop.media.documents import store_document
from shop.media.models import Document
from shop.media.sweep import sweep_unreferenced
from tests.factories import (
    GroupDocumentFactory,
    GroupFactory,
    ProductFactory,
    ProductPhotoFactory,
)
from tests.uploads import store_ready

RECEIPT = Path(__file__).resolve().parents[2] / "fixtures" / "documents" / "receipt.pdf"


def photo(color) -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", (320, 240), color).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def url(image) -> str:
    return "/media/" + image.path_for(image.width_list[0])


def test_a_decree_photo_is_not_served_from_the_public_address(client, media):
    group = GroupFactory()
    decree = store_ready(photo((10, 20, 30)))
    GroupDocumentFactory(group=group, kind=DocumentKind.DECREE, image=decree)
    shown = store_ready(photo((200, 100, 0)))
    ProductPhotoFactory(product=ProductFactory(group=group), image=shown)
    db.session.flush()

    assert client.get(url(decree)).status_code == 404
    assert client.get(url(shown)).status_code == 200


def test_the_same_picture_shown_in_public_stays_public(client, media):
    group = GroupFactory()
    picture = store_ready(photo((0, 120, 60)))
    GroupDocumentFactory(group=group, kind=DocumentKind.FIELD_VISIT, image=picture)
    ProductPhotoFactory(product=ProductFactory(group=group), image=picture)
    db.session.flush()
    assert client.get(url(picture)).status_code == 200


def test_sweep_removes_documents_nobody_references(app_ctx, media):
    kept = store_document(RECEIPT.read_bytes())
    group = GroupFactory()
    GroupDocumentFactory(group=group, kind=DocumentKind.DECREE, document=kept)
    old_pdf = RECEIPT.read_bytes().replace(b"%%EOF", b"%%EOF\n% removed decree\n")
    removed = store_document(old_pdf)
    for document in (kept, removed):
        document.created_at = utcnow() - timedelta(days=2)
    db.session.flush()
    removed_path = removed.path
    assert media.exists(removed_path)

    rows, files = sweep_unreferenced(timedelta(hours=24))
    db.session.commit()

    assert rows == 1 and files == 1
    assert db.session.scalars(select(Document)).all() == [kept]
    assert not media.exists(removed_path) and media.exists(kept.path)
