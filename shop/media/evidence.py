"""Evidence files: a photo or a PDF people send to prove something (a transfer
receipt, a group's decree), stored through the checked pipelines and served
only privately.
"""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, send_file
from werkzeug.datastructures import FileStorage

from shop.errors import DomainError
from shop.media.documents import looks_like_pdf, store_document
from shop.media.images import NOT_A_PHOTO, UNREADABLE_STATUS, UNSUPPORTED_STATUS, ImageRejected
from shop.media.models import Document, Image, ImageStatus
from shop.media.services import read_at_most, store_image
from shop.media.storage import get_storage

WEBP_TYPE = "image/webp"


def store_evidence(
    upload: FileStorage | bytes,
    *,
    field: str,
    empty_message,
    not_readable_message,
    error: type[DomainError] = DomainError,
) -> tuple[Image | None, Document | None]:
    """Store a photo or a PDF, told apart by content, never by name: `%PDF-`
    at the start goes to the PDF checks (store_document), anything else to
    the photo pipeline (re-encoded, metadata and GPS stripped). Both keep the
    upload limits of every other upload. Returns (image, None) or (None,
    document); a refused file raises `error` on `field` before anything is
    written, and a failed transaction deletes the files it wrote."""
    data = read_at_most(upload, current_app.config["UPLOAD_MAX_BYTES"] + 1)
    if not data:
        raise _refused(error(empty_message, field=field), UNREADABLE_STATUS)
    if looks_like_pdf(data):
        return None, store_document(data, field=field)
    try:
        return store_image(data, field=field, private=True), None
    except ImageRejected as rejected:
        # The photo pipeline says "not a photo"; here a PDF was fine too.
        if rejected.message is NOT_A_PHOTO:
            raise _refused(error(not_readable_message, field=field), UNSUPPORTED_STATUS) from None
        raise


def _refused(error: DomainError, status: int) -> DomainError:
    """The caller's error, answered with the upload refusal's HTTP status."""
    error.status = status
    return error


def send_evidence(
    image: Image | None, document: Document | None, *, name: str, width: int | None = None
) -> Response:
    """The file as a private response: a PDF as it was sent, a photo as its
    smallest WebP variant at least `width` wide (the largest without one).

    Never from the public /media/ address. `private, no-store` keeps it out of
    shared and browser caches (a shared phone is common); `inline`, so the
    phone shows it, with a file name for "save"; `nosniff`, so the browser
    trusts the type we verified. A missing file is a 404; a storage that
    cannot be reached the 503 page with Retry-After (StorageUnavailable, see
    shop.errors).
    """
    if document is not None:
        path, mimetype, extension = document.path, document.content_type, "pdf"
    elif image is not None and image.width_list:
        widths = image.width_list
        chosen = max(widths)
        if width is not None:
            chosen = min((w for w in widths if w >= width), default=chosen)
        path, mimetype, extension = image.path_for(chosen), WEBP_TYPE, "webp"
    elif image is not None and image.status is ImageStatus.PROCESSING:
        return _preparing()
    else:
        abort(404)
    try:
        stream = get_storage().open(path)
    except FileNotFoundError:
        abort(404)
    try:
        # Streamed from the local file or the bucket; the response closes it.
        response = send_file(
            stream,
            mimetype=mimetype,
            as_attachment=False,
            download_name=f"{name}.{extension}",
            conditional=False,
            etag=False,
            max_age=0,
        )
    except BaseException:
        stream.close()
        raise
    # Replaces send_file's "no-cache, max-age=0" and drops its Expires.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers.remove("Expires")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _preparing() -> Response:
    """A photo sent a moment ago whose variants are still being made: say so
    (and come back), rather than "not found"."""
    response = current_app.response_class(render_template("media/preparing.html"), 503)
    response.headers["Retry-After"] = "5"
    response.headers["Cache-Control"] = "private, no-store"
    return response
