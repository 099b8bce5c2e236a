"""Media: images and stored PDF documents (rows only; the bytes are the
test's business, see `stored_pdf` and tests.uploads.store_ready)."""

from __future__ import annotations

import factory

from shop.media.models import Document, Image
from tests.factories.base import Base


class ImageFactory(Base):
    """An image row, ready at three widths (no files behind it)."""

    class Meta:
        model = Image

    key = factory.Sequence(lambda n: f"{n:064x}")
    width = 1280
    height = 960
    widths = "320,640,1280"


class DocumentFactory(Base):
    class Meta:
        model = Document

    key = factory.Sequence(lambda n: f"{n:064x}")
    content_type = "application/pdf"
    size = 10


# The smallest file every PDF reader opens.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def stored_pdf(key: str | None = None) -> Document:
    """A `PDF` kept in the app's storage (as an upload leaves it) and its row."""
    from shop.media.storage import get_storage

    document = DocumentFactory(size=len(PDF), **({"key": key} if key else {}))
    get_storage().save(document.path, PDF, "application/pdf")
    return document
