"""A file made by the request itself (a CSV, a QR code) sent as a download or
shown inline, through Flask's `send_file`: the Content-Disposition with an
RFC 6266 file name (UTF-8 names too), the length, the type. The caller says
how it may be cached."""

from __future__ import annotations

import io

from flask import Response, send_file

PRIVATE_NO_STORE = "private, no-store"


def made_file(body: bytes | str, *, name: str, mimetype: str, attachment: bool = True) -> Response:
    """`body` (text is sent as UTF-8) under the file name `name`, as an
    attachment (saved by the browser) or inline (shown)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    return send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=attachment,
        download_name=name,
        conditional=False,
        etag=False,
        max_age=None,
    )


def private_download(body: bytes | str, *, name: str, mimetype: str) -> Response:
    """A download for the person who asked only: never kept by a cache."""
    response = made_file(body, name=name, mimetype=mimetype)
    response.headers["Cache-Control"] = PRIVATE_NO_STORE
    return response
