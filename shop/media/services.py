"""Storing uploads once per content hash: a photo checked, stored as sent and
given its variants by a job; any upload's row made once and its file written
with the transaction (`shop.media.ledger`). The daily photo quota is
`shop.media.quota`, the sweep of what nothing uses `shop.media.sweep`."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from shop.errors import DomainError
from shop.extensions import db
from shop.jobs import enqueue_after_commit
from shop.media.images import DAMAGED, ImageRejected, verify_photo
from shop.media.ledger import file_created
from shop.media.models import Document, Image, ImageStatus
from shop.media.quota import check_photo_quota, upload_group_id
from shop.media.storage import get_storage
from shop.outages import StorageUnavailable

log = logging.getLogger(__name__)

STORAGE_DOWN = _l(
    "Your file could not be saved because file storage is unavailable right now. "
    "Nothing was changed; please try again in a few minutes."
)


class StorageRefused(DomainError):
    """The storage would not take an upload (full, unreachable): the request
    fails whole, with a message for the person, and nothing is half-saved."""


VARIANT_PATH = re.compile(
    r"(?P<prefix>[0-9a-f]{2})/(?P<key>[0-9a-f]{64})-(?P<width>[1-9][0-9]{0,4})\.webp"
)
# Keys of uploads stored before their variants exist (the pixel keys of
# earlier rows never collide with these: a different prefix is hashed).
UPLOAD_KEY_VERSION = b"etalase-upload-v1\n"
# Photos of this request that passed the quick checks, by sha256 (in `g`).
_VERIFIED = "_etalase_verified_photos"
# Most forms take at most two photos at once (a group's logo and cover);
# the product form takes a product's photos together (catalogue MAX_PHOTOS),
# and a monitoring visit's form its photos (visits MAX_PHOTOS).
EARLY_CHECKS = 2
EARLY_CHECKS_BY_ENDPOINT = {
    "catalogue.create_product": 8,
    "catalogue.edit_product": 8,
    "visits.new": 8,
    "visits.edit": 8,
    # Equipment bought with a grant (grants MAX_ITEM_PHOTOS).
    "grants.item_new": 4,
    "grants.item_edit": 4,
}
# Uploads anyone may send without logging in: a buyer's transfer proof.
GUEST_UPLOADS = frozenset({"payments.send_proof"})
# A model stored once per content key.
Keyed = TypeVar("Keyed", Image, Document)


def parse_variant_path(path: str) -> tuple[str, int] | None:
    """(key, width) for a well-formed public variant path, else None. The folder
    must be the key's first two characters, so each file has exactly one valid path."""
    match = VARIANT_PATH.fullmatch(path)
    if match is None or match["key"][:2] != match["prefix"]:
        return None
    return match["key"], int(match["width"])


def store_image(
    upload: FileStorage | bytes, *, field: str | None = None, private: bool = False
) -> Image:
    """Verify an uploaded photo, store it as sent, and return its Image,
    stored once per content key; its variants are made by a job after the
    transaction commits (`shop.media.jobs.make_variants`).

    Rules, and why:
    - At most UPLOAD_MAX_BYTES + 1 bytes are read, so an oversized upload is
      refused without holding all of it in memory.
    - Only the quick checks run here (size, format, pixel count, a JPEG's
      1/8-scale decode), and in a request they already ran before its first
      query (verify_uploads_early): the request answers at once and holds no
      database lock while Pillow works. A photo that fails the full decode later is
      marked failed, and the group sees it on its photos page.
    - A rejected upload raises ImageRejected (on `field`, for the form) before
      anything is written: it leaves no row and no file. So does a new photo
      over its group's daily quota (PhotoQuotaReached; the group is the one
      whose page is uploading, `attribute_uploads_to`).
    - The same file uploaded again returns the existing row and writes
      nothing, so content keys and URLs stay unique. A private copy
      (evidence, `private=True`) is a different row under `private/`, so a
      proof never shares files or addresses with a public photo.
    - A new row is flushed before its original is written, and a file this
      call created is deleted if the surrounding transaction does not commit,
      so a failed request leaves no orphan file, and a file the storage
      refuses (full, unreachable) fails the request before anything commits.
    """
    data = read_at_most(upload, current_app.config["UPLOAD_MAX_BYTES"] + 1)
    digest = hashlib.sha256(data).hexdigest()
    width, height = _checked_size(data, digest, field)
    key = upload_key(digest, private=private)
    group_id = upload_group_id()

    def new_image() -> Image:
        if group_id is not None:
            check_photo_quota(group_id, field=field)
        return Image(
            key=key,
            width=width,
            height=height,
            widths="",
            private=private,
            status=ImageStatus.PROCESSING,
            group_id=group_id,
        )

    image, created = stored_once(Image, key, new_image)
    if image.status is ImageStatus.FAILED:
        raise ImageRejected(DAMAGED, field=field)
    if created:
        save_new_file(image.original_path, data, "application/octet-stream", field=field)
        enqueue_after_commit("shop.media.jobs.make_variants", image.id)
    return image


def _checked_size(data: bytes, digest: str, field: str | None) -> tuple[int, int]:
    """The photo's size, from the quick checks (already run early in this
    request, or now); a rejected photo raises ImageRejected on `field`."""
    size = g.get(_VERIFIED, {}).get(digest) if has_request_context() else None
    if size is not None:
        return size
    try:
        return _verify(data)
    except ImageRejected as rejected:
        rejected.field = field
        raise


def upload_key(digest: str, *, private: bool) -> str:
    """The content key of an upload: from the sha256 of its bytes, and its privacy."""
    key = hashlib.sha256(UPLOAD_KEY_VERSION)
    key.update(b"private\n" if private else b"public\n")
    key.update(digest.encode())
    return key.hexdigest()


def _verify(data: bytes) -> tuple[int, int]:
    config = current_app.config
    return verify_photo(
        data,
        max_bytes=config["UPLOAD_MAX_BYTES"],
        max_pixels=config["UPLOAD_MAX_PIXELS"],
        largest=max(config["IMAGE_WIDTHS"]),
        max_decoded_bytes=decoded_budget(),
    )


def decoded_budget() -> int:
    """IMAGE_MAX_DECODED_MB in bytes: what one photo may take in memory while
    it is prepared."""
    return int(current_app.config["IMAGE_MAX_DECODED_MB"]) * 1024 * 1024


def verify_uploads_early() -> None:
    """before_request: run the quick checks of an uploaded photo before the
    request touches the database, and remember the ones that pass (by their
    sha256) for store_image.

    On SQLite a POST takes the write lock at its first query (BEGIN
    IMMEDIATE, shop.db_events), which comes before the view calls
    store_image: checking a 12 MP photo there would make every other writer
    (a checkout) wait for it. A photo that fails is simply not remembered:
    store_image checks it again and tells the person why, on its field.

    Only for requests a view will take (a known route, its CSRF token already
    checked), from someone logged in or a buyer sending a transfer proof, and
    at most as many distinct photos as the form takes (EARLY_CHECKS, more for
    the product form): an anonymous POST of many photos to any address must
    not make the server decode them.
    """
    if request.method != "POST" or not request.files or request.endpoint is None:
        return
    if not session.get("_user_id") and request.endpoint not in GUEST_UPLOADS:
        return
    verified = g.setdefault(_VERIFIED, {})
    limit = current_app.config["UPLOAD_MAX_BYTES"] + 1
    seen: set[str] = set()
    most = EARLY_CHECKS_BY_ENDPOINT.get(request.endpoint, EARLY_CHECKS)
    for _name, upload in request.files.items(multi=True):
        if len(seen) >= most:
            return
        data = read_at_most(upload, limit)
        if not data or data.startswith(b"%PDF-"):
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        try:
            verified[digest] = _verify(data)
        except ImageRejected:
            continue


def stored_once(model: type[Keyed], key: str, build: Callable[[], Keyed]) -> tuple[Keyed, bool]:
    """The row of `model` with this content `key`, and whether this call added it.

    Shared by every upload stored once per content hash (photos, documents).
    An existing row is locked FOR KEY SHARE (PostgreSQL): a sweep running now
    skips it instead of deleting it under the caller, who is about to
    reference it. A new row is built by `build` and flushed in a savepoint;
    if someone committed the same key a moment ago, theirs is returned
    (their files are already being written). The caller writes the files of
    a new row with save_new_file, after this flush.
    """
    column = model.key
    existing = db.session.scalar(
        select(model).where(column == key).with_for_update(read=True, key_share=True)
    )
    if existing is not None:
        return existing, False
    row = build()
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        existing = db.session.scalar(select(model).where(column == key))
        if existing is None:
            raise
        return existing, False
    return row, True


def save_new_file(path: str, data: bytes, content_type: str, *, field: str | None = None) -> None:
    """Write a file for a row flushed in the current transaction.

    A file this call creates is deleted if the transaction (or the savepoint
    it happened in) does not commit, so a failed request leaves no orphan.
    A file that was already there is left alone, since a committed row may
    be using it. A storage that refuses the write raises StorageRefused (on
    `field`), so the caller's transaction rolls back with its row.
    """
    storage = get_storage()
    session = db.session()
    try:
        created = storage.save(path, data, content_type)
    except StorageUnavailable as exc:
        log.error("storage refused %s: %s", path, exc)
        raise StorageRefused(STORAGE_DOWN, field=field) from exc
    if created:
        file_created(session, storage, path)


def read_at_most(upload: FileStorage | bytes, limit: int) -> bytes:
    """The upload's bytes, at most `limit` of them, so an oversized upload is
    refused without holding all of it in memory."""
    if isinstance(upload, bytes | bytearray | memoryview):
        return bytes(upload[:limit])
    stream = upload.stream
    if stream.seekable():
        # A form validator may have read the upload already.
        stream.seek(0)
    return stream.read(limit)
