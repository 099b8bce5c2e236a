"""Exports: a file (PDF, XLSX) someone asked for, made by a background job."""

from __future__ import annotations

import enum
import json
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.accounts.models import User
from shop.db import Base, enum_column, utcnow

# Under the private area of the storage: only the download route serves them.
EXPORTS_FOLDER = "private/exports"


class ExportStatus(enum.StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Export(Base):
    """One requested file: what to render (`kind` and its `params`), for whom,
    and, once the job has made it, where it is stored.

    The token is the only name the file has in URLs; only the person who
    asked for it may see its page or download it.
    """

    __tablename__ = "export"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    kind: Mapped[str] = mapped_column(String(40))
    # JSON: the filters, group and language the file is rendered with.
    params: Mapped[str] = mapped_column(Text, default="{}")
    requested_by_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ExportStatus] = enum_column(
        ExportStatus, length=12, default=ExportStatus.PENDING
    )
    path: Mapped[str] = mapped_column(String(200), default="")
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int | None]
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]

    requested_by: Mapped[User] = relationship()

    @property
    def parameters(self) -> dict:
        return json.loads(self.params or "{}")

    @property
    def storage_path(self) -> str:
        """Where the job stores the file: the same path however often it runs."""
        extension = self.filename.rsplit(".", 1)[-1] if "." in self.filename else "bin"
        return f"{EXPORTS_FOLDER}/{self.token}.{extension}"

    @property
    def is_pending(self) -> bool:
        return self.status is ExportStatus.PENDING

    @property
    def is_ready(self) -> bool:
        return self.status is ExportStatus.READY

    @property
    def is_failed(self) -> bool:
        return self.status is ExportStatus.FAILED
