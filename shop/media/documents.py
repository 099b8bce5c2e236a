"""Verifying uploaded PDFs (transfer receipts) and storing them once per content hash.

A PDF is kept as it was sent, not re-encoded like a photo, so the checks
are the defence: a PDF we store is small, unencrypted, has a few real pages,
and carries nothing that runs or unpacks by itself when a group member opens
it (scripts, automatic actions, launched programs, attached files).
"""

from __future__ import annotations

import hashlib
import io
import logging
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.errors import DependencyError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject
from werkzeug.datastructures import FileStorage

from shop.errors import DomainError
from shop.media.images import TOO_LARGE_STATUS, UNREADABLE_STATUS, UNSUPPORTED_STATUS
from shop.media.models import Document
from shop.media.services import read_at_most, save_new_file, stored_once

log = logging.getLogger(__name__)

PDF_TYPE = "application/pdf"
PDF_MAGIC = b"%PDF-"
# Viewers look for the end-of-file marker in the last 1024 bytes; a file
# without one there was cut short (an interrupted download or upload).
EOF_MARKER = b"%%EOF"
EOF_WINDOW = 1024
MAX_PAGES = 20
# Dictionaries and arrays visited while looking for active content. A bank
# receipt has a few dozen; a 20-page scan a few hundred. Far more means a
# file built to make us work, and it is refused rather than walked.
MAX_OBJECTS = 20_000

# Actions that run code, start programs, open other files or send data. A
# link to a web page (/URI) stays allowed: receipts carry them and a viewer
# asks before following one.
DANGEROUS_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/ImportData",
        "/SubmitForm",
        "/GoToR",
        "/GoToE",
        "/RichMediaExecute",
    }
)
# Keys whose mere presence means scripts: JavaScript code or a name tree of
# it, and XFA forms (which carry their own scripts).
SCRIPT_KEYS = frozenset({"/JS", "/JavaScript", "/XFA"})
# Annotations that play media or 3D models, which may run scripts.
SCRIPTED_ANNOTATIONS = frozenset({"/RichMedia", "/3D", "/Screen"})
# Files carried inside the PDF: file specifications with an /EF entry, the
# document's attachment list, the embedded file streams themselves.
ATTACHMENT_KEYS = frozenset({"/EF", "/EmbeddedFiles"})
ATTACHMENT_TYPES = frozenset({"/EmbeddedFile"})
ATTACHMENT_ANNOTATIONS = frozenset({"/FileAttachment"})

# What pypdf raises on hostile or broken input varies with the damage; each
# means "we cannot read it" (limits reached included: LimitReachedError is a
# PyPdfError).
_READ_ERRORS = (
    PyPdfError,
    OSError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    RecursionError,
    struct.error,
    zlib.error,
)

EMPTY_FILE = _l("The file is empty. Choose a PDF and try again.")
NOT_A_PDF = _l("This file is not a PDF.")
DAMAGED = _l("This PDF is damaged or incomplete. Try downloading or saving it again.")
ENCRYPTED = _l(
    "This PDF is protected with a password. Send a copy without a password, or a screenshot."
)
NO_PAGES = _l("This PDF has no pages.")
SCRIPTED = _l(
    "This PDF contains scripts or actions, which we do not accept. "
    "Print it to a new PDF, or send a screenshot."
)
ATTACHMENTS = _l(
    "This PDF contains attached files, which we do not accept. "
    "Print it to a new PDF, or send a screenshot."
)
TOO_COMPLEX = _l(
    "This PDF is too complex for us to check. Print it to a new PDF, or send a screenshot."
)


def too_large(max_bytes: int):
    return _l("The file is too large (max %(mb)d MB).", mb=max_bytes // (1024 * 1024))


def too_many_pages(max_pages: int):
    return _l("This PDF has too many pages (max %(pages)d).", pages=max_pages)


class DocumentRejected(DomainError):
    """The upload is not a PDF we accept; `message` tells the person why and
    `status` is the HTTP status of the refusal: 413 too large, 415 not a PDF,
    422 a PDF we will not keep."""

    def __init__(self, message, field: str | None = None, *, status: int = UNREADABLE_STATUS):
        super().__init__(message, field)
        self.status = status


@dataclass(frozen=True)
class VerifiedPdf:
    """A PDF that passed every check: its content key, size and page count."""

    key: str
    size: int
    pages: int


def looks_like_pdf(data: bytes) -> bool:
    """Whether the bytes claim to be a PDF; only verify_pdf says whether they are one."""
    return data.startswith(PDF_MAGIC)


def store_document(
    upload: FileStorage | bytes,
    *,
    field: str | None = None,
    max_bytes: int | None = None,
    max_pages: int = MAX_PAGES,
) -> Document:
    """Verify an uploaded PDF and return its Document, stored once per content hash.

    Rules, and why:
    - At most `max_bytes` (UPLOAD_MAX_BYTES by default) + 1 bytes are read,
      so an oversized upload is refused without holding all of it in memory.
    - A rejected upload raises DocumentRejected (on `field`, for the form)
      before anything is written: it leaves no row and no file.
    - The same file uploaded again returns the existing row and writes
      nothing. The key is the sha256 of the bytes: the file is kept as sent.
    - A new row is flushed before its file is written, and the file is
      deleted if the surrounding transaction does not commit (the ledger
      store_image uses), so a failed request leaves no orphan file.
    """
    limit = current_app.config["UPLOAD_MAX_BYTES"] if max_bytes is None else max_bytes
    data = read_at_most(upload, limit + 1)
    try:
        verified = verify_pdf(data, max_bytes=limit, max_pages=max_pages)
    except DocumentRejected as rejected:
        rejected.field = field
        raise

    document, created = stored_once(
        Document,
        verified.key,
        lambda: Document(key=verified.key, content_type=PDF_TYPE, size=verified.size),
    )
    if created:
        save_new_file(document.path, data, PDF_TYPE, field=field)
    return document


def verify_pdf(data: bytes, *, max_bytes: int, max_pages: int = MAX_PAGES) -> VerifiedPdf:
    """Check `data` is a PDF we accept; raise DocumentRejected with the reason if not.

    The order is the defence: the cheap byte checks (size, the `%PDF-`
    header, the `%%EOF` marker near the end) come before pypdf parses
    anything. Then an encrypted file is refused before its pages are read
    (we could not look inside it, and the group could not open it without
    the password); the page count must be 1..max_pages; and last every
    object reachable from the trailer is walked for active content.
    """
    if not data:
        raise DocumentRejected(EMPTY_FILE)
    if len(data) > max_bytes:
        raise DocumentRejected(too_large(max_bytes), status=TOO_LARGE_STATUS)
    if not looks_like_pdf(data):
        raise DocumentRejected(NOT_A_PDF, status=UNSUPPORTED_STATUS)
    if EOF_MARKER not in data[-EOF_WINDOW:]:
        raise DocumentRejected(DAMAGED)

    try:
        reader = PdfReader(io.BytesIO(data))
    except DependencyError:
        # pypdf needs a crypto library only to try an encrypted file's
        # empty password; a file that gets this far is encrypted.
        raise DocumentRejected(ENCRYPTED) from None
    except _READ_ERRORS as exc:
        log.info("PDF rejected while opening: %r", exc)
        raise DocumentRejected(DAMAGED) from None

    try:
        if reader.is_encrypted:
            raise DocumentRejected(ENCRYPTED)
        pages = len(reader.pages)
        if pages < 1:
            raise DocumentRejected(NO_PAGES)
        if pages > max_pages:
            raise DocumentRejected(too_many_pages(max_pages))
        _refuse_active_content(reader)
    except _READ_ERRORS as exc:
        log.info("PDF rejected while reading: %r", exc)
        raise DocumentRejected(DAMAGED) from None
    return VerifiedPdf(key=hashlib.sha256(data).hexdigest(), size=len(data), pages=pages)


def _refuse_active_content(reader: PdfReader) -> None:
    """Walk every dictionary and array reachable from the trailer and raise
    DocumentRejected at the first one carrying active content.

    Through pypdf's object model, not a byte search: objects packed in
    compressed object streams are found, and names spelt with #-escapes
    (`/J#61vaScript`) arrive decoded. Stream data (page contents, fonts,
    pictures) is never decoded, only the stream's dictionary is looked at:
    code in a PDF is always reached through a dictionary key. Objects nothing
    refers to are never looked at, since no viewer reaches them either.
    """
    for count, obj in enumerate(_reachable(reader.trailer), start=1):
        if count > MAX_OBJECTS:
            raise DocumentRejected(TOO_COMPLEX)
        if isinstance(obj, DictionaryObject):
            problem = _active_content(obj)
            if problem is not None:
                raise DocumentRejected(problem)


def _reachable(start: PdfObject) -> Iterator[PdfObject]:
    """Every dictionary and array reachable from `start`, each indirect object
    once (reference cycles are common: a page points back to its parent)."""
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject] = [start]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            ref = (item.idnum, item.generation)
            if ref in seen:
                continue
            seen.add(ref)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            # dict.values: the raw entries, references not yet resolved.
            stack.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            stack.extend(item)
        else:
            continue
        yield item


def _active_content(obj: DictionaryObject):
    """The rejection message for one dictionary, or None if it is harmless.

    Automatic actions (the document's /OpenAction, and /AA "additional
    actions" fired by opening a page, focusing a field…) may only move to a
    page (/GoTo, with no /Next chained after it): many PDF writers set
    `/OpenAction [page /Fit]` to open at page one, which is a view setting,
    not code, and stays allowed. Any other automatic action, and anywhere a
    dangerous action, a script or an attachment, is refused.
    """
    if SCRIPT_KEYS & obj.keys():
        return SCRIPTED
    if _name(obj, "/S") in DANGEROUS_ACTIONS:
        return SCRIPTED
    if _name(obj, "/Subtype") in SCRIPTED_ANNOTATIONS:
        return SCRIPTED
    if "/OpenAction" in obj and not _only_moves(obj.raw_get("/OpenAction")):
        return SCRIPTED
    if "/AA" in obj:
        events = _resolved(obj.raw_get("/AA"))
        if isinstance(events, DictionaryObject) and not all(
            _only_moves(action) for action in dict.values(events)
        ):
            return SCRIPTED
    if (
        ATTACHMENT_KEYS & obj.keys()
        or _name(obj, "/Type") in ATTACHMENT_TYPES
        or _name(obj, "/Subtype") in ATTACHMENT_ANNOTATIONS
    ):
        return ATTACHMENTS
    return None


def _only_moves(action: PdfObject) -> bool:
    """A destination (an array: page and view), or a /GoTo action with nothing chained."""
    action = _resolved(action)
    if not isinstance(action, DictionaryObject):
        return True
    return _name(action, "/S") == "/GoTo" and "/Next" not in action


def _name(obj: DictionaryObject, key: str) -> str | None:
    value = _resolved(obj.raw_get(key)) if key in obj else None
    return str(value) if isinstance(value, str) else None


def _resolved(value: PdfObject) -> PdfObject:
    return value.get_object() if isinstance(value, IndirectObject) else value
