from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base, enum_column, utcnow

# Evidence (transfer proofs, decrees) and upload originals live under this
# folder of the storage, apart from everything a public page shows.
PRIVATE_FOLDER = "private"


class ImageStatus(enum.StrEnum):
    # The upload is verified and stored; its variants are being made by a job.
    PROCESSING = "processing"
    READY = "ready"
    # The photo could not be decoded after all (truncated, damaged).
    FAILED = "failed"


class Image(Base):
    """A verified, re-encoded picture stored as WebP files at a few widths.

    `key` is the content hash the file names derive from
    (`<key[:2]>/<key>-<width>.webp`), so a URL never changes meaning and can be
    cached for a year. A private image (evidence) keeps its files under
    `private/`, which no public address serves.

    An upload is answered as soon as it is verified and its original stored
    (`status` PROCESSING, no widths yet); a job makes the variants and sets
    READY. Pages show a neutral placeholder until then.
    """

    __tablename__ = "image"
    # The daily photo quota counts a group's uploads of one day.
    __table_args__ = (Index("ix_image_group_created", "group_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    # Comma-separated widths that exist as files, ascending ("320,640,1280").
    widths: Mapped[str] = mapped_column(String(60))
    private: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[ImageStatus] = enum_column(
        ImageStatus, length=12, default=ImageStatus.READY, server_default=ImageStatus.READY.value
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The group it was first uploaded for, which counts it in its daily
    # quota; none for a buyer's proof or a coordinator's banner. No foreign
    # key: group already points at image (logo, cover), and a cycle would
    # leave the tables without an order to create or sweep them in.
    group_id: Mapped[int | None]

    @property
    def width_list(self) -> list[int]:
        return [int(w) for w in (self.widths or "").split(",") if w]

    @property
    def ready(self) -> bool:
        return self.status is ImageStatus.READY and bool(self.width_list)

    @property
    def folder(self) -> str:
        prefix = f"{PRIVATE_FOLDER}/" if self.private else ""
        return f"{prefix}{self.key[:2]}"

    def path_for(self, width: int) -> str:
        return f"{self.folder}/{self.key}-{width}.webp"

    @property
    def original_path(self) -> str:
        """Where the upload waits, as sent, until its variants exist."""
        return f"{PRIVATE_FOLDER}/incoming/{self.key[:2]}/{self.key}"


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
