"""Data saver: photos in their smallest size, and only when tapped.

On when the browser sends `Save-Data: on` (Android's and Chrome's data
saver) or when the visitor switched it on (the `hemat` cookie, set by
/hemat-data/nyala; /hemat-data/mati switches it off even where the browser
asks for it). A page is rendered and cached as for everyone; on the way out,
outside the page cache, every responsive photo (an <img> with a srcset: the
`picture` macro) becomes a placeholder of the same shape that names the
smallest variant, which app.js loads on the first tap (the tap does not
follow the card's link). The page's "Data saver is on" notice is shown, with
the switch to turn it off. Nothing else changes: the same cached page, the
same fragments, one rewrite per page for the visitors who asked.
"""

from __future__ import annotations

import gzip
import re

from flask import Flask
from werkzeug.http import parse_cookie

from shop.core.templating import static_url

COOKIE = "hemat"
PLACEHOLDER = "img/photo-saver.svg"
NOTICE_HIDDEN = '<p class="saver-notice" hidden>'
NOTICE_SHOWN = '<p class="saver-notice">'
_IMG = re.compile(r"<img\b[^>]*\bsrcset=\"[^\"]*\"[^>]*>")
_ATTRIBUTE = re.compile(r'\s([a-z-]+)="([^"]*)"')
_CANDIDATE = re.compile(r"(\S+)\s+(\d+)w")
# What a placeholder keeps of the photo's <img>.
KEPT = ("width", "height", "alt", "class")


def wanted(environ) -> bool:
    """The visitor's switch first, then the browser's Save-Data."""
    chosen = parse_cookie(environ).get(COOKIE)
    if chosen in ("0", "1"):
        return chosen == "1"
    return environ.get("HTTP_SAVE_DATA", "").strip().lower() == "on"


def placeholders(html: str, placeholder_url: str) -> str:
    """Every photo with a srcset as a placeholder naming its smallest variant,
    and the notice shown."""

    def replace(match: re.Match) -> str:
        attributes = dict(_ATTRIBUTE.findall(match.group(0)))
        candidates = [(int(w), url) for url, w in _CANDIDATE.findall(attributes["srcset"])]
        if not candidates:
            return match.group(0)
        smallest = min(candidates)[1]
        kept = "".join(f' {name}="{attributes[name]}"' for name in KEPT if name in attributes)
        return (
            f'<img src="{placeholder_url}" data-saver-src="{smallest}"{kept} '
            f'loading="lazy" decoding="async">'
        )

    return _IMG.sub(replace, html).replace(NOTICE_HIDDEN, NOTICE_SHOWN, 1)


class DataSaverMiddleware:
    """Outside the page cache: rewrites the HTML pages of visitors who asked."""

    def __init__(self, app: Flask):
        self.flask_app = app
        self.app = app.wsgi_app  # the next layer in, as ProxyFix names it
        self._placeholder: str | None = None

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET" or not wanted(environ):
            return self.app(environ, start_response)
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers, exc_info=exc_info)
            return _no_write

        # The page uncompressed (the page cache keeps one per encoding).
        body_iter = self.app(dict(environ, HTTP_ACCEPT_ENCODING="identity"), capture)
        status, headers = captured["status"], captured["headers"]
        if not _is_page(headers):  # files, downloads, redirects: as they came
            start_response(status, headers, captured["exc_info"])
            return body_iter
        html = _read(body_iter).decode("utf-8")
        body = placeholders(html, self._placeholder_url(environ)).encode("utf-8")
        headers = [(k, v) for k, v in headers if k.lower() not in ("content-length", "etag")]
        if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""):
            body = gzip.compress(body, compresslevel=6)
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        start_response(status, headers, captured["exc_info"])
        return [body]

    def _placeholder_url(self, environ) -> str:
        if self._placeholder is None:
            with self.flask_app.test_request_context():
                self._placeholder = static_url(PLACEHOLDER)
        return environ.get("SCRIPT_NAME", "") + self._placeholder


def _no_write(data: bytes) -> None:
    raise RuntimeError("the data saver reads the page's body, not write() calls")


def _is_page(headers) -> bool:
    found = {k.lower(): v for k, v in headers}
    return found.get("content-type", "").startswith("text/html") and (
        found.get("content-encoding", "identity") == "identity"
    )


def _read(body_iter) -> bytes:
    try:
        return b"".join(body_iter)
    finally:
        close = getattr(body_iter, "close", None)
        if close is not None:
            close()


def install(app: Flask) -> None:
    app.wsgi_app = DataSaverMiddleware(app)
