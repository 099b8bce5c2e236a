"""Configuration: defaults, then instance/config.py, then the environment.

The order follows the Flask tutorial: code defaults first, the operator's
instance file second, environment variables last (so a container can override
either), and a test's overrides on top of everything.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Defaults:
    ENV_NAME = "production"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = ("id", "en")

    # Uploads: the byte cap is checked by Werkzeug before a view runs; the pixel
    # cap is far below Pillow's own bomb limit (89 M pixels).
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    UPLOAD_MAX_BYTES = 12 * 1024 * 1024
    UPLOAD_MAX_PIXELS = 40_000_000
    IMAGE_WIDTHS = (320, 640, 1280)
    MEDIA_URL_PREFIX = "/media"

    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = True

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=60)
    PERMANENT_SESSION_LIFETIME = timedelta(days=30)
    FORCE_HTTPS = True

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "moving-window"
    LOGIN_RATE_LIMIT = "10 per minute; 50 per hour"
    CHECKOUT_RATE_LIMIT = "20 per minute"
    LOOKUP_RATE_LIMIT = "10 per minute"

    CACHE_TYPE = "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 300
    PAGE_CACHE_SECONDS = 60

    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIN_SIZE = 600

    SEND_FILE_MAX_AGE_DEFAULT = timedelta(days=365)

    INVITE_LIFETIME = timedelta(days=7)
    # Unpaid transfer/card orders expire (stock returned) after this many days.
    ORDER_PAYMENT_DAYS = 3
    # Card payments are offered only when both Stripe keys are set.
    STRIPE_SECRET_KEY = ""
    STRIPE_WEBHOOK_SECRET = ""
    STRIPE_API_BASE = ""

    # Email for notifications; without MAIL_SERVER messages are only logged.
    MAIL_SERVER = ""
    MAIL_PORT = None
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_FROM = ""
    MAIL_TIMEOUT = 10
    # Deliver the outbox from a thread of this process (`make run`); in
    # production run `flask notify deliver --loop` as its own process instead.
    NOTIFY_IN_PROCESS = False
    CATALOGUE_PAGE_SIZE = 24
    SITE_NAME = "Etalase"
    # Where the public site lives; used in share links (wa.me) when set.
    PUBLIC_URL = ""


class Development(Defaults):
    ENV_NAME = "development"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    FORCE_HTTPS = False
    WTF_CSRF_SSL_STRICT = False


ENV_KEYS = (
    "SECRET_KEY",
    "LOGIN_RATE_LIMIT",
    "CHECKOUT_RATE_LIMIT",
    "DATABASE_URL",
    "RATELIMIT_STORAGE_URI",
    "CACHE_TYPE",
    "CACHE_REDIS_URL",
    "PUBLIC_URL",
    "MEDIA_ROOT",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_API_BASE",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_FROM",
    "MAIL_TIMEOUT",
    "NOTIFY_IN_PROCESS",
)


def _secret_key(instance_path: Path) -> str:
    """Read the instance's secret key, creating it once on a fresh machine."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


def load(app, overrides: dict | None = None) -> None:
    env_name = os.environ.get("ETALASE_ENV", "development")
    app.config.from_object(Development if env_name == "development" else Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for key in ENV_KEYS:
        if key in os.environ:
            app.config[key] = os.environ[key]
    if overrides:
        app.config.update(overrides)

    instance = Path(app.instance_path)
    if "DATABASE_URL" in app.config:
        app.config.setdefault("SQLALCHEMY_DATABASE_URI", app.config["DATABASE_URL"])
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{instance / 'etalase.db'}")
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite: wait for a writer instead of failing at once with "database is locked".
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "connect_args": {"timeout": 15},
        }
    app.config.setdefault("MEDIA_ROOT", str(instance / "media"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
