"""Serving stored image variants with year-long cache headers."""

from __future__ import annotations

from flask import Response, abort, request, send_file, send_from_directory

from shop.media.services import parse_variant_path
from shop.media.storage import LocalStorage, get_storage
from shop.media.sweep import is_private_image

ONE_YEAR = 365 * 24 * 60 * 60


def serve_file(path: str) -> Response:
    """One WebP variant, cacheable for a year by browsers and proxies.

    A file's name is its content hash, so the bytes behind a URL never change
    and `immutable` is true; the name is also the ETag, the same from every
    machine and backend. The path must look exactly like a variant path
    (`ab/ab…64 hex…-640.webp`); anything else is a 404 before the storage is
    touched, which also rules out path traversal. Evidence photos (transfer
    proofs, decrees) are a 404 here: they are served by the routes that check
    who is asking. A storage that cannot be reached raises StorageUnavailable:
    an empty 503 with Retry-After (shop.errors), at once while its breaker
    is open.
    """
    variant = parse_variant_path(path)
    if variant is None or is_private_image(variant[0]):
        abort(404)
    etag = path.rsplit("/", 1)[-1]
    storage = get_storage()
    if etag in request.if_none_match:
        # The bytes behind a name never change: no need to fetch them from a
        # bucket only to say "not modified".
        response = Response(status=304)
        response.set_etag(etag)
        response.cache_control.max_age = ONE_YEAR
    elif isinstance(storage, LocalStorage):
        # Size, Last-Modified and Range requests come with it.
        response = send_from_directory(
            storage.root,
            path,
            mimetype="image/webp",
            max_age=ONE_YEAR,
            conditional=True,
            etag=etag,
        )
    else:
        try:
            stream = storage.open(path)
        except FileNotFoundError:
            abort(404)
        # Streamed as the bucket sends it; the response closes the stream.
        response = send_file(
            stream, mimetype="image/webp", max_age=ONE_YEAR, conditional=True, etag=etag
        )
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
