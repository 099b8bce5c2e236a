"""What a production site refuses to start with (`ETALASE_ENV=production`):
a missing, short, example or simple secret key, debug or the development
server, per-process limits or cache with several processes, WhatsApp
through the Cloud API without its phone number id or token, and web push
with half a VAPID key pair, a pair that does not match or a bad subject."""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

import click
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from shop.config import PREFIX, UnsafeConfiguration

# Values that must never reach production: Flask's tutorial, our tests,
# the deploy example, and the classics.
EXAMPLE_SECRETS = frozenset(
    {
        "dev",
        "development",
        "secret",
        "changeme",
        "change-me",
        "test-secret",
        "replace-me-with-the-output-of-python3-c-import-secrets-print-secrets-token-urlsafe-48",
        "your-secret-key",
    }
)
MIN_SECRET_LENGTH = 32
# "aaaa…", "abababab…", "1234512345…": long enough, guessable all the same.
MIN_SECRET_DISTINCT = 10
SHARED_BACKENDS = ("redis://", "rediss://", "redis+sentinel://", "redis+cluster://")


def configured_processes(config, environ=os.environ, argv=sys.argv) -> int:
    """How many processes serve the site, as far as this one can tell: the
    PROCESSES setting, gunicorn's WEB_CONCURRENCY, or `-w N` on its command line
    (`gunicorn …` or `python -m gunicorn …`, whose argv[0] is gunicorn/__main__.py)."""
    counts = [int(config.get("PROCESSES") or 1)]
    if environ.get("WEB_CONCURRENCY", "").isdigit():
        counts.append(int(environ["WEB_CONCURRENCY"]))
    if argv and _is_gunicorn(argv[0]):
        for index, arg in enumerate(argv):
            value = None
            if arg in ("-w", "--workers") and index + 1 < len(argv):
                value = argv[index + 1]
            elif arg.startswith("--workers="):
                value = arg.split("=", 1)[1]
            elif arg.startswith("-w") and arg[2:].isdigit():
                value = arg[2:]
            if value and value.isdigit():
                counts.append(int(value))
    return max(counts)


def _is_gunicorn(program: str) -> bool:
    path = Path(program)
    return path.name.startswith("gunicorn") or (
        path.name == "__main__.py" and path.parent.name == "gunicorn"
    )


def cli_command() -> str | None:
    """The name of the `flask` command loading the app, if any. `flask run`
    loads it from inside its own command (ScriptInfo.load_app in
    run_command), so the current click context is "run" there; other commands
    (db, backup, jobs) are looked up with the group's context, and gunicorn has none."""
    context = click.get_current_context(silent=True)
    return context.info_name if context is not None else None


DEVELOPMENT_SERVER = (
    "the development server (flask run) is not for production: "
    "serve with gunicorn (deploy/systemd/etalase-web.service)"
)


def problems_in_production(app, environ=os.environ, argv=sys.argv) -> list[str]:
    """What makes these settings unsafe for a public site; empty when fine."""
    config = app.config
    problems = []
    key = str(config.get("SECRET_KEY") or "")
    if not key:
        problems.append(
            f"{PREFIX}SECRET_KEY is not set (every machine needs the same one: "
            'python3 -c "import secrets; print(secrets.token_urlsafe(48))")'
        )
    elif key.lower() in EXAMPLE_SECRETS:
        problems.append(f"{PREFIX}SECRET_KEY is an example value; generate a new one")
    elif len(key) < MIN_SECRET_LENGTH:
        problems.append(f"{PREFIX}SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters")
    elif len(set(key)) < MIN_SECRET_DISTINCT:
        problems.append(
            f"{PREFIX}SECRET_KEY is too simple (fewer than {MIN_SECRET_DISTINCT} "
            "different characters); generate a new one"
        )
    if app.debug or config.get("DEBUG"):
        problems.append("debug mode is on (unset FLASK_DEBUG): the debugger would be public")
    if cli_command() == "run":
        problems.append(DEVELOPMENT_SERVER)
    processes = configured_processes(config, environ, argv)
    if processes > 1:
        if not str(config["RATELIMIT_STORAGE_URI"]).startswith(SHARED_BACKENDS):
            problems.append(
                f"{processes} processes but rate limits are per process "
                f"(set {PREFIX}REDIS_URL or {PREFIX}RATELIMIT_STORAGE_URI)"
            )
        if config["CACHE_TYPE"] not in ("RedisCache", "RedisSentinelCache", "RedisClusterCache"):
            problems.append(
                f"{processes} processes but the page cache is per process "
                f"(set {PREFIX}REDIS_URL or {PREFIX}CACHE_TYPE=RedisCache)"
            )
    problems.extend(_whatsapp_problems(config))
    problems.extend(_vapid_problems(config))
    if config.get("PUSH_ALLOW_PRIVATE_ENDPOINTS"):
        problems.append(
            f"{PREFIX}PUSH_ALLOW_PRIVATE_ENDPOINTS is on: browsers could make the site "
            "post to its own network"
        )
    return problems


def _vapid_problems(config) -> list[str]:
    """Web push needs both halves of one VAPID key pair (a wrong pair would
    have every push service refuse every notification) and a subject push
    services can write to."""
    private = str(config.get("VAPID_PRIVATE_KEY") or "").strip()
    public = str(config.get("VAPID_PUBLIC_KEY") or "").strip()
    subject = str(config.get("VAPID_SUBJECT") or "").strip()
    if not private and not public:
        return []
    if not private or not public:
        return [
            f"{PREFIX}VAPID_PRIVATE_KEY and {PREFIX}VAPID_PUBLIC_KEY go together "
            "(flask notify vapid-keys prints a pair)"
        ]
    try:
        raw = base64.urlsafe_b64decode(private + "=" * (-len(private) % 4))
        key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
        derived = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        matches = (
            len(raw) == 32 and base64.urlsafe_b64encode(derived).rstrip(b"=") == public.encode()
        )
    except ValueError:
        matches = False
    problems = []
    if not matches:
        problems.append(
            f"{PREFIX}VAPID_PUBLIC_KEY is not the public half of {PREFIX}VAPID_PRIVATE_KEY "
            "(flask notify vapid-keys prints a pair)"
        )
    if subject and not subject.startswith(("mailto:", "https://")):
        problems.append(f"{PREFIX}VAPID_SUBJECT must be a mailto: or https:// address")
    return problems


def _whatsapp_problems(config) -> list[str]:
    """WhatsApp through the Cloud API needs its phone number id and token."""
    backend = str(config.get("WHATSAPP_BACKEND") or "").strip().lower()
    if backend not in ("", "cloud", "log"):
        return [f"{PREFIX}WHATSAPP_BACKEND={backend!r} is not one of '' (off), cloud, log"]
    if backend != "cloud":
        return []
    missing = [
        PREFIX + name
        for name in ("WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_TOKEN")
        if not str(config.get(name) or "").strip()
    ]
    if missing:
        return [f"{PREFIX}WHATSAPP_BACKEND=cloud needs {' and '.join(missing)}"]
    return []


def check_production(app, environ=os.environ, argv=sys.argv) -> None:
    """Refuse to start a production site with unsafe settings: one line saying why."""
    if app.config["ENV_NAME"] == "development":
        return
    problems = problems_in_production(app, environ, argv)
    if problems:
        raise UnsafeConfiguration(
            "Etalase will not start with ETALASE_ENV=production: " + "; ".join(problems) + "."
        )
