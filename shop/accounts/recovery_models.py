"""One-time secrets for accounts: number confirmation codes (a person's
own number, or a group's) and password reset codes and links."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.accounts.models import User
from shop.db import Base, enum_column, utcnow


class CodePurpose(enum.StrEnum):
    VERIFY_PHONE = "verify_phone"
    RESET_EMAIL = "reset_email"
    RESET_PHONE = "reset_phone"
    RESET_COORDINATOR = "reset_coordinator"
    # A group's own number (`shop.groups.group_number`): the row's `group_id`
    # is the group, its `user_id` the member who asked for the code.
    VERIFY_GROUP_PHONE = "verify_group_phone"


RESET_PURPOSES = (CodePurpose.RESET_EMAIL, CodePurpose.RESET_PHONE, CodePurpose.RESET_COORDINATOR)


class AccountCode(Base):
    """A code (6 digits, typed) or a link token, stored only as its keyed hash.

    Only the latest of a person's codes for one purpose works (older ones get
    `revoked_at` when a new one is made); it works once (`used_at`), until
    `expires_at`, and a code dies after a few wrong tries.
    """

    __tablename__ = "account_code"
    __table_args__ = (
        Index("ix_account_code_user_id_purpose", "user_id", "purpose"),
        Index("ix_account_code_group_id_purpose", "group_id", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    purpose: Mapped[CodePurpose] = enum_column(CodePurpose, length=20)
    secret_hash: Mapped[str] = mapped_column(String(64), index=True)
    # The number or address the secret went to ("" for a coordinator's link).
    target: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    tries: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Named, not imported: groups sit above accounts.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def usable(self, now: datetime, max_tries: int) -> bool:
        return (
            self.used_at is None
            and self.revoked_at is None
            and self.tries < max_tries
            and now < self.expires_at
        )
