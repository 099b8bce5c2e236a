"""Configuration: defaults, then the instance file, then the environment.

One rule for every setting (README, "Settings"):

1. the defaults below: `Development` when the environment is "development"
   (`ETALASE_ENV`, else `ENV` in the instance file, else "development"),
   `Defaults` otherwise;
2. `config.py` in the instance folder (`instance/` beside the code, or the
   folder `ETALASE_INSTANCE_PATH` names), a Python file of `NAME = value`;
3. the environment: `ETALASE_<NAME>` for every setting, read with the type of
   its default (`1/true/yes/on` for flags, whole numbers, seconds for
   durations, commas between list items, a JSON object merged into the
   default for dicts). A few names that
   hosting platforms set by convention (`SECRET_KEY`, `DATABASE_URL`,
   `REDIS_URL`, …, see CONVENTIONAL) are read without the prefix too; the
   prefixed one wins;
4. a test's overrides on top of everything.

`ENV_NAME` always follows the environment chosen in 1 (neither the instance
file nor `ETALASE_ENV_NAME` changes it; only a test's override can).
`ETALASE_ENV=production` also refuses to start on settings that would be
unsafe there (`shop.production.check_production`), and `flask run` (the development server)
altogether.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Config

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "ETALASE_"

# Over 400 lines on purpose: `Defaults` is every setting with its default and
# its reason, in one list the README's "Settings" points to, and the loader
# below is the one rule that reads them; split, neither would read whole.


class Defaults:
    ENV_NAME = "production"
    SECRET_KEY = ""
    DATABASE_URL = ""
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = ("id", "en")

    # Uploads: the byte cap of a whole request is checked by Werkzeug from its
    # Content-Length before a view runs (nginx's client_max_body_size says the
    # same, deploy/nginx/etalase.conf); the pixel cap is far below Pillow's own
    # bomb limit (89 M pixels).
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    # The forms taking several photos at once (a product's 8 photos, a group's
    # logo and cover; shop.media.limits) may send this much: 8 phone photos of
    # up to UPLOAD_MAX_BYTES each, and the form's fields. Files are spooled to
    # disk as they arrive, so this is disk, not memory.
    PHOTO_FORM_MAX_CONTENT_LENGTH = 100 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    UPLOAD_MAX_BYTES = 12 * 1024 * 1024
    UPLOAD_MAX_PIXELS = 40_000_000
    IMAGE_WIDTHS = (320, 640, 1280)
    # Memory one photo may take while its variants are made (decoded pixels
    # and the copies the pipeline keeps), checked from the header before any
    # decoding; a 12 MP phone photo needs about 60 MB.
    IMAGE_MAX_DECODED_MB = 160
    # New photos a group may upload per day (Asia/Jakarta), all forms together.
    PHOTO_DAILY_QUOTA = 100
    MEDIA_URL_PREFIX = "/media"

    # Where uploaded files live: "local" (MEDIA_ROOT, a folder on this
    # machine) or "s3" (an S3-compatible bucket shared by every machine).
    STORAGE_BACKEND = "local"
    MEDIA_ROOT = ""
    S3_BUCKET = ""
    S3_PREFIX = ""
    S3_ENDPOINT_URL = ""
    S3_REGION = "us-east-1"
    S3_ACCESS_KEY_ID = ""
    S3_SECRET_ACCESS_KEY = ""
    # A CDN or the bucket's public address for public images (photo variants,
    # logos, share images); empty: served through the app.
    MEDIA_PUBLIC_URL = ""

    # One Redis for everything shared between processes (rate limits, the
    # page cache, the job queue) unless a setting below names its own.
    REDIS_URL = ""
    # The job queue (RQ): its Redis (default REDIS_URL) and queue name. With
    # neither, jobs run in this process once the request's transaction commits.
    JOBS_REDIS_URL = ""
    JOBS_QUEUE = "etalase"
    # How many app processes serve this site in all (every machine, every
    # gunicorn worker): more than one needs Redis for limits and the cache.
    PROCESSES = 1
    # Reverse proxies in front of the app (nginx: 1); their X-Forwarded-*
    # headers are trusted, so limits key on the real client.
    PROXY_COUNT = 0

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
    # Redis away: count limits in each process's memory until it answers
    # again (tried after 1, 2, 4 … 32 s), rather than failing the request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Redis clients give up after a second, so an outage never holds a page up.
    RATELIMIT_STORAGE_OPTIONS: dict = {"socket_connect_timeout": 1, "socket_timeout": 1}
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "moving-window"
    LOGIN_RATE_LIMIT = "10 per minute; 50 per hour"
    # Per account as well (README, "Sessions and log-in"): after this many
    # failed log-ins at one phone/email, each attempt waits a delay doubling
    # from LOGIN_DELAY_SECONDS up to LOGIN_DELAY_MAX_SECONDS; a failure this
    # many hours after the last one starts the count over.
    LOGIN_FREE_FAILURES = 5
    LOGIN_DELAY_SECONDS = 30
    LOGIN_DELAY_MAX_SECONDS = 900
    LOGIN_FAILURES_FORGET_HOURS = 24
    CHECKOUT_RATE_LIMIT = "20 per minute"
    LOOKUP_RATE_LIMIT = "10 per minute"
    # A buyer's tracking page and its proof images, per client address.
    TRACKING_RATE_LIMIT = "120 per minute"
    # Transfer proofs a guest may send from tracking pages, per client address.
    PROOF_UPLOAD_RATE_LIMIT = "10 per hour"
    # Account recovery (README, "Lost passwords"): asking for a reset or a
    # code, and typing one, per address; codes and links per account.
    RESET_RATE_LIMIT = "5 per minute; 20 per hour"
    RESET_CODES_PER_HOUR = 3
    VERIFY_CODES_PER_HOUR = 5
    VERIFY_RESEND_SECONDS = 60
    CODE_MAX_TRIES = 5
    VERIFY_CODE_MINUTES = 15
    RESET_CODE_MINUTES = 15
    RESET_EMAIL_LINK_MINUTES = 60
    RESET_COORDINATOR_LINK_HOURS = 24

    CACHE_TYPE = "SimpleCache"
    CACHE_REDIS_URL = ""
    # Passed to the Redis client of a Redis cache (see RATELIMIT_STORAGE_OPTIONS).
    CACHE_REDIS_OPTIONS: dict = {"socket_connect_timeout": 1, "socket_timeout": 1}
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
    # Seconds to wait for Stripe to accept the connection and to answer, and
    # how many times a call that got no answer is repeated (same idempotency
    # key): a buyer never waits much longer than these for the card page.
    STRIPE_CONNECT_TIMEOUT = 5.0
    STRIPE_READ_TIMEOUT = 15.0
    STRIPE_MAX_NETWORK_RETRIES = 1

    # Email for notifications; without MAIL_SERVER messages are only logged.
    MAIL_SERVER = ""
    MAIL_PORT = 0
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_FROM = ""
    MAIL_TIMEOUT = 10
    # WhatsApp messages (verification and reset codes, alerts): "" = off,
    # "cloud" = the WhatsApp Business Cloud API, "log" = only logged
    # (development, demo). README, "Messages: WhatsApp and email".
    WHATSAPP_BACKEND = ""
    WHATSAPP_API_URL = "https://graph.facebook.com/v21.0"
    WHATSAPP_PHONE_NUMBER_ID = ""
    WHATSAPP_TOKEN = ""
    # Our purpose key → the template approved at Meta: its name, language
    # ("languages": {our locale: Meta's code} for more than one) and whether
    # it has a copy-code button (Meta's authentication templates); the
    # environment's JSON object is merged into these.
    WHATSAPP_TEMPLATES: dict = {
        "verify_code": {
            "name": "etalase_verify_code",
            "language": "id",
            "copy_code_button": True,
        },
        "reset_code": {
            "name": "etalase_reset_code",
            "language": "id",
            "copy_code_button": True,
        },
        # Order alerts (templates/whatsapp/<key>.txt lists each one's
        # parameters): to the group…
        "group_new_order": {"name": "etalase_group_new_order", "language": "id"},
        "group_proof_sent": {"name": "etalase_group_proof_sent", "language": "id"},
        "group_paid": {"name": "etalase_group_paid", "language": "id"},
        "group_cancelled": {"name": "etalase_group_cancelled", "language": "id"},
        # … and to the buyer who gave a mobile number.
        "buyer_confirmed": {"name": "etalase_buyer_confirmed", "language": "id"},
        "buyer_shipped": {"name": "etalase_buyer_shipped", "language": "id"},
        "buyer_ready": {"name": "etalase_buyer_ready", "language": "id"},
        "buyer_paid": {"name": "etalase_buyer_paid", "language": "id"},
        "buyer_cancelled": {"name": "etalase_buyer_cancelled", "language": "id"},
        "buyer_round_closed": {"name": "etalase_buyer_round_closed", "language": "id"},
        "buyer_round_ready": {"name": "etalase_buyer_round_ready", "language": "id"},
        # Bulk requests: to the groups told of one, and the requester's link.
        "group_bulk_request": {"name": "etalase_group_bulk_request", "language": "id"},
        "bulk_request_link": {"name": "etalase_bulk_request_link", "language": "id"},
    }
    WHATSAPP_CONNECT_TIMEOUT = 5.0
    WHATSAPP_READ_TIMEOUT = 15.0
    # The status webhook (/whatsapp/webhook): the token Meta's subscription
    # handshake must bring, and the app secret its reports are signed with.
    WHATSAPP_VERIFY_TOKEN = ""
    WHATSAPP_APP_SECRET = ""
    # Web push notifications on members' phones: the site's VAPID key pair
    # (`flask notify vapid-keys`; without both the channel is off and nothing
    # about it shows) and the address push services may write to (mailto: or
    # https:; PUBLIC_URL when empty).
    VAPID_PRIVATE_KEY = ""
    VAPID_PUBLIC_KEY = ""
    VAPID_SUBJECT = ""
    # Whether a browser's push endpoint may be on this machine or a private
    # network (a local fake push service): development and tests only; in
    # production the site refuses to start with it (shop.production).
    PUSH_ALLOW_PRIVATE_ENDPOINTS = False
    # Run the periodic work (outbox delivery, expiring unpaid orders,
    # certificate reminders, the sweeps) from a thread of this process
    # (`make run`); in production run `flask jobs scheduler` instead.
    NOTIFY_IN_PROCESS = False
    CATALOGUE_PAGE_SIZE = 24
    SITE_NAME = "Etalase"
    # Where the public site lives; used in share links (wa.me) when set.
    PUBLIC_URL = ""


class Development(Defaults):
    ENV_NAME = "development"
    PUSH_ALLOW_PRIVATE_ENDPOINTS = True
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    FORCE_HTTPS = False
    WTF_CSRF_SSL_STRICT = False


# Read without the ETALASE_ prefix too: the names hosting platforms and the
# earlier README use.
CONVENTIONAL = frozenset(
    {
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "MEDIA_ROOT",
        "PUBLIC_URL",
        "PROXY_COUNT",
        "RATELIMIT_STORAGE_URI",
        "CACHE_TYPE",
        "CACHE_REDIS_URL",
        "LOGIN_RATE_LIMIT",
        "CHECKOUT_RATE_LIMIT",
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
    }
)


class UnsafeConfiguration(RuntimeError):
    """Production settings that must not run; the message is one line."""


class BadSetting(UnsafeConfiguration, ValueError):
    """An environment value that cannot be read as its setting's type; the
    message (one line) names the variable. An UnsafeConfiguration, so `app.py`
    refuses it the same way: one line, exit status 1."""


def config_flag(value) -> bool:
    """True for True, 1, "1", "true", "yes", "on": a flag set as text (in the
    instance file, or by a test) reads as the environment's would."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def instance_path() -> Path:
    """The instance folder: `ETALASE_INSTANCE_PATH`, else `instance/` beside the code."""
    configured = os.environ.get(PREFIX + "INSTANCE_PATH", "")
    return Path(configured).resolve() if configured else ROOT / "instance"


def parse_value(name: str, raw: str, default: object) -> object:
    """An environment string read as the type of the setting's default. A dict
    is merged into the default: `{"pool_size": 10}` keeps `pool_pre_ping`."""
    text = raw.strip()
    try:
        if isinstance(default, bool):
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(text)
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
        if isinstance(default, timedelta):
            return timedelta(seconds=float(text))
        if isinstance(default, tuple | list):
            items = [item.strip() for item in text.split(",") if item.strip()]
            if default and isinstance(default[0], int):
                items = [int(item) for item in items]
            return type(default)(items)
        if isinstance(default, dict):
            value = json.loads(text)
            if not isinstance(value, dict):
                raise ValueError(text)
            return {**default, **value}
    except ValueError as exc:
        raise BadSetting(f"{PREFIX}{name}={raw!r} is not a valid {type(default).__name__}") from exc
    return raw


def from_environment(config, environ=os.environ) -> dict[str, str]:
    """Apply `ETALASE_<NAME>` (and the conventional bare names) to `config`;
    return {setting: the variable it came from}."""
    sources: dict[str, str] = {}
    for name in [key for key in config if key.isupper()]:
        for variable in (PREFIX + name, name if name in CONVENTIONAL else None):
            if variable and variable in environ:
                config[name] = parse_value(name, environ[variable], config[name])
                sources[name] = variable
                break
    return sources


def _secret_key(instance: Path) -> str:
    """Read the instance's secret key, creating it once on a fresh machine."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


def environment_name(environ, from_file) -> str:
    """The environment, "development" or "production": `ETALASE_ENV`, else `ENV`
    in the instance file, else development; anything but "development" is production."""
    chosen = environ.get(PREFIX + "ENV")
    if chosen is None:
        chosen = from_file.get("ENV", "development")
    return "development" if chosen == "development" else "production"


def load(app, overrides: dict | None = None, environ=os.environ) -> None:
    instance = Path(app.instance_path)
    # The instance file is read once, first: it may choose the environment.
    from_file = Config(str(instance))
    instance_file = instance / "config.py"
    if instance_file.is_file():
        from_file.from_pyfile(str(instance_file))
    env_name = environment_name(environ, from_file)
    from_file.pop("ENV", None)
    app.config.from_object(Development if env_name == "development" else Defaults)
    app.config.update(from_file)
    explicit = set(from_file)
    explicit |= set(from_environment(app.config, environ))
    # Set last: neither the instance file nor ETALASE_ENV_NAME may make a
    # production site skip check_production.
    app.config["ENV_NAME"] = env_name
    if overrides:
        app.config.update(overrides)
        explicit |= set(overrides)
    _derive(app.config, instance, explicit=explicit)


def usable_database_url(url: str) -> str:
    """`postgres://…` and `postgresql://…` (as hosting platforms set
    DATABASE_URL) name psycopg2, which is not installed: use psycopg 3."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url


def _derive(config, instance: Path, *, explicit: set[str]) -> None:
    """Settings that follow from others: the database URI, the media folder,
    Redis for limits and the cache when only REDIS_URL is given, the secret key."""
    if config.get("DATABASE_URL"):
        config.setdefault("SQLALCHEMY_DATABASE_URI", config["DATABASE_URL"])
    config.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{instance / 'etalase.db'}")
    config["SQLALCHEMY_DATABASE_URI"] = usable_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite: wait for a writer instead of failing at once with "database is locked".
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **config["SQLALCHEMY_ENGINE_OPTIONS"],
            "connect_args": {"timeout": 15},
        }
    elif config["SQLALCHEMY_DATABASE_URI"].startswith("postgres"):
        # PostgreSQL unreachable: give up connecting after a few seconds (a
        # 503 page, a failed /readyz) instead of hanging the request.
        options = config["SQLALCHEMY_ENGINE_OPTIONS"]
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **options,
            "connect_args": {"connect_timeout": 3, **options.get("connect_args", {})},
        }
    if not config.get("MEDIA_ROOT"):
        config["MEDIA_ROOT"] = str(instance / "media")

    redis_url = config.get("REDIS_URL")
    if redis_url:
        if "RATELIMIT_STORAGE_URI" not in explicit:
            config["RATELIMIT_STORAGE_URI"] = redis_url
        if "CACHE_TYPE" not in explicit:
            config["CACHE_TYPE"] = "RedisCache"
        if not config.get("CACHE_REDIS_URL"):
            config["CACHE_REDIS_URL"] = redis_url
        if not config.get("JOBS_REDIS_URL"):
            config["JOBS_REDIS_URL"] = redis_url
    if config["CACHE_TYPE"] == "RedisCache" and not config.get("CACHE_REDIS_URL"):
        config["CACHE_REDIS_URL"] = "redis://127.0.0.1:6379/1"
    if config["CACHE_TYPE"] == "RedisCache" and not config.get("CACHE_OPTIONS"):
        config["CACHE_OPTIONS"] = dict(config.get("CACHE_REDIS_OPTIONS") or {})

    if not config.get("SECRET_KEY") and config["ENV_NAME"] == "development":
        # A production site must be given one key shared by every machine
        # (check_production); a developer's machine makes its own once.
        config["SECRET_KEY"] = _secret_key(instance)
