"""Template globals: versioned static URLs, WhatsApp and absolute links, the
site's name and language. (The signed-in person's groups, `my_memberships`,
come from the groups blueprint's context processor.)"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from flask import Flask, current_app, has_request_context, request, url_for
from flask_babel import get_locale
from markupsafe import Markup

from shop.core import fragments


@lru_cache(maxsize=256)
def _file_digest(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    """`/static/app.css?v=<hash>`: the URL changes with the content, so static
    files can be cached for a year (SEND_FILE_MAX_AGE_DEFAULT). Worked out
    once per process (a release restarts it); with the debugger on, on every
    call, so an edited file shows at once."""
    if current_app.debug:
        return _static_url(filename)
    urls = current_app.extensions.setdefault("static_urls", {})
    key = (filename, request.script_root if has_request_context() else "")
    found = urls.get(key)
    if found is None:
        found = urls[key] = _static_url(filename)
    return found


def _static_url(filename: str) -> str:
    path = Path(current_app.static_folder) / filename
    try:
        version = _file_digest(str(path), path.stat().st_mtime)
    except OSError:
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=version)


def wa_link(e164: str | None, text: str = "") -> str:
    """wa.me with `text` filled in. A template's `_()` gives Markup with the
    names in it HTML-escaped: WhatsApp gets the plain text, encoded once."""
    if not e164:
        return ""
    if isinstance(text, Markup):
        text = text.unescape()
    return f"https://wa.me/{e164.lstrip('+')}?text={quote(text)}"


def absolute_url(endpoint: str, **values) -> str:
    """An absolute link (share links, emails, Stripe), with or without a request.

    `PUBLIC_URL` wins when set; the path is built from the URL map directly so
    this also works from a CLI command (order expiry) where `url_for` has no
    request to take the host from.
    """
    base = current_app.config.get("PUBLIC_URL") or ""
    if base:
        path = current_app.url_map.bind("localhost").build(endpoint, values)
        return base.rstrip("/") + path
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        static_url=static_url,
        wa_link=wa_link,
        absolute_url=absolute_url,
    )
    fragments.install(app)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _site():
        return {
            "site_name": app.config["SITE_NAME"],
            "current_locale": str(get_locale()),
        }
