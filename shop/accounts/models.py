from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
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
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Set when a code sent to the number (or a reset link sent to the address)
    # came back; a new number waits in pending_phone until its code does.
    phone_verified_at: Mapped[datetime | None]
    email_verified_at: Mapped[datetime | None]
    pending_phone: Mapped[str | None] = mapped_column(String(20))
    # The language of the person's messages (WhatsApp, notifications, email):
    # "id" or "en", "" until they choose (the site's default).
    locale: Mapped[str] = mapped_column(String(10), default="", server_default="")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # The token of the login session this request runs in (shop.accounts.sessions):
    # Flask-Login keeps get_id() in the session cookie and the remember-me
    # cookie, so both name a server-side row that logout can end.
    session_token = ""
    login_session = None
    # What the packages above loaded with it (shop.accounts.sessions.LOAD_WITH).
    loaded_with: dict = {}  # replaced per person, never changed

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def login_name(self) -> str:
        return self.phone or self.email or ""


class LoginSession(Base):
    """One logged-in browser. The cookie holds the token; only its SHA-256 is
    stored. Ended (logout, password change, "log out on all devices") or
    expired rows log nobody in and are deleted by a periodic task."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Written at most once an hour, so ordinary page views do not write.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def live(self, now: datetime) -> bool:
        return self.ended_at is None and now < self.expires_at


class LoginFailure(Base):
    """Failed log-ins at one login (phone or email, keyed hash), whether or not
    an account has it. After a few, each attempt waits until `blocked_until`."""

    __tablename__ = "login_failure"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    blocked_until: Mapped[datetime | None]
