from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from shop.db import Base, utcnow


class User(UserMixin, Base):
    """A person. Logs in with a phone number (E.164) or an email address."""

    __tablename__ = "user"
    __table_args__ = (CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="has_login"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Bumped on password change so other sessions of this person end.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Set when a code sent to the number (or a reset link sent to the address)
    # came back; a new number waits in pending_phone until its code does.
    phone_verified_at: Mapped[datetime | None]
    email_verified_at: Mapped[datetime | None]
    pending_phone: Mapped[str | None] = mapped_column(String(20))

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def login_name(self) -> str:
        return self.phone or self.email or ""
