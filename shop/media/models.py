from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base, utcnow


class Image(Base):
    """A verified, re-encoded picture stored as WebP files at a few widths.

    `key` is the content hash the file names derive from
    (`<key[:2]>/<key>-<width>.webp`), so a URL never changes meaning and can be
    cached for a year.
    """

    __tablename__ = "image"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    # Comma-separated widths that exist as files, ascending ("320,640,1280").
    widths: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def width_list(self) -> list[int]:
        return [int(w) for w in self.widths.split(",") if w]

    def path_for(self, width: int) -> str:
        return f"{self.key[:2]}/{self.key}-{width}.webp"


class Document(Base):
    """A verified uploaded file kept as it is (a PDF transfer receipt, a decree).

    Photos become `Image`s; a document is stored once under its content hash
    (`doc/<key[:2]>/<key>.<ext>`) and served only to people allowed to see it.
    """

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def path(self) -> str:
        ext = {"application/pdf": "pdf"}.get(self.content_type, "bin")
        return f"doc/{self.key[:2]}/{self.key}.{ext}"
