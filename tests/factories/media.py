"""Media: stored PDF documents (rows only; the bytes are the test's business)."""

from __future__ import annotations

import factory

from shop.media.models import Document
from tests.factories.base import Base


class DocumentFactory(Base):
    class Meta:
        model = Document

    key = factory.Sequence(lambda n: f"{n:064x}")
    content_type = "application/pdf"
    size = 10
