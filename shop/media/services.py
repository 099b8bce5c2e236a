"""Storing uploads once per content hash, and sweeping away photos nothing uses."""

from __future__ import annotations

import hashlib
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from flask import current_app, g, has_request_context, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Column, delete, exists, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.datastructures import FileStorage

from shop.core.clock import jakarta_today, midnight_utc
from shop.db import utcnow, within
from shop.errors import DomainError
from shop.extensions import db
from shop.jobs import enqueue_after_commit
from shop.media.images import DAMAGED, ImageRejected, verify_photo
from shop.media.models import PRIVATE_FOLDER, Document, Image, ImageStatus
from shop.media.storage import TEMP_PREFIX, Storage, StorageUnavailable, get_storage

log = logging.getLogger(__name__)

STORAGE_DOWN = _l(
    "Your file could not be saved because file storage is unavailable right now. "
    "Nothing was changed; please try again in a few minutes."
)


class StorageRefused(DomainError):
    """The storage would not take an upload (full, unreachable): the request
    fails whole, with a message for the person, and nothing is half-saved."""


class PhotoQuotaReached(DomainError):
    """The group has uploaded its new photos for today (PHOTO_DAILY_QUOTA):
    answered 429 with the moment the quota starts again."""

    status = 429

    def __init__(self, message, field: str | None = None, *, retry_after: int):
        super().__init__(message, field)
        self.headers = {"Retry-After": str(retry_after)}


VARIANT_PATH = re.compile(
    r"(?P<prefix>[0-9a-f]{2})/(?P<key>[0-9a-f]{64})-(?P<width>[1-9][0-9]{0,4})\.webp"
)
# Where uploads wait for their variants: private/incoming/ab/<key>.
ORIGINAL_PATH = re.compile(
    rf"{PRIVATE_FOLDER}/incoming/(?P<prefix>[0-9a-f]{{2}})/(?P<key>[0-9a-f]{{64}})"
)
# Keys of uploads stored before their variants exist (the pixel keys of
# earlier rows never collide with these: a different prefix is hashed).
UPLOAD_KEY_VERSION = b"etalase-upload-v1\n"
# Photos of this request that passed the quick checks, by sha256 (in `g`).
_VERIFIED = "_etalase_verified_photos"
# No form takes more photos at once (a group's logo and cover).
EARLY_CHECKS = 2
# Uploads anyone may send without logging in: a buyer's transfer proof.
GUEST_UPLOADS = frozenset({"orders.send_proof"})
_LEDGER = "shop.media.files"
# A model stored once per content key.
Keyed = TypeVar("Keyed", Image, Document)
# The group the current request uploads for (set by the group pages' loader).
_UPLOAD_GROUP = "_etalase_upload_group_id"


def attribute_uploads_to(group) -> None:
    """Photos stored in this request are the group's: they count against its
    daily quota. Called by the membership loader of every group page, so no
    upload form can forget it; a buyer's proof or a coordinator's banner
    belongs to no group."""
    if has_request_context():
        setattr(g, _UPLOAD_GROUP, group.id)


def upload_group_id() -> int | None:
    return g.get(_UPLOAD_GROUP) if has_request_context() else None


def photos_uploaded_today(group_id: int, now=None) -> int:
    """New photos uploaded for the group since midnight in Jakarta."""
    since = midnight_utc(jakarta_today(now))
    return db.session.scalar(
        select(func.count())
        .select_from(Image)
        .where(Image.group_id == group_id, Image.created_at >= since)
    )


def check_photo_quota(group_id: int, *, field: str | None = None) -> None:
    """Refuse a new photo once the group has uploaded PHOTO_DAILY_QUOTA today.

    A day is a Jakarta day, counted from the image rows' creation times, so
    the quota starts again at 00.00 WIB on every machine alike. The same
    photo uploaded again is not a new photo and is not counted (store_image
    finds its row first). Two uploads at the very same moment may both pass
    at the last place: the quota is a brake on floods, not an exact ledger.
    """
    quota = current_app.config["PHOTO_DAILY_QUOTA"]
    now = utcnow()
    if photos_uploaded_today(group_id, now) < quota:
        return
    resets = midnight_utc(jakarta_today(now) + timedelta(days=1))
    seconds = max(1, math.ceil((resets - now).total_seconds()))
    hours = math.ceil(seconds / 3600)
    raise PhotoQuotaReached(
        _(
            "Your group has added %(quota)d new photos today, the most for one day. "
            "Nothing was saved. You can add photos again from 00.00 WIB, in about %(wait)s.",
            quota=quota,
            wait=ngettext("%(num)d hour", "%(num)d hours", hours),
        ),
        field,
        retry_after=seconds,
    )


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
    size = g.get(_VERIFIED, {}).get(digest) if has_request_context() else None
    if size is None:
        try:
            size = _verify(data)
        except ImageRejected as rejected:
            rejected.field = field
            raise
    width, height = size

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
    at most EARLY_CHECKS distinct photos: an anonymous POST of many photos to
    any address must not make the server decode them.
    """
    if request.method != "POST" or not request.files or request.endpoint is None:
        return
    if not session.get("_user_id") and request.endpoint not in GUEST_UPLOADS:
        return
    verified = g.setdefault(_VERIFIED, {})
    limit = current_app.config["UPLOAD_MAX_BYTES"] + 1
    seen: set[str] = set()
    for _name, upload in request.files.items(multi=True):
        if len(seen) >= EARLY_CHECKS:
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
        _ledger(session).created.append((_current_transaction(session), storage, path))


def references_to(target: Column) -> list[Column]:
    """Every column in the metadata holding a foreign key to `target`.

    Found from the metadata rather than listed by hand, so a table added later
    (a banner, a payment proof) protects its files from the sweep at once.
    """
    return [
        fk.parent
        for table in db.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column is target
    ]


def image_references() -> list[Column]:
    return references_to(Image.__table__.c.id)


def is_private_image(key: str) -> bool:
    """Whether the image is only evidence (a transfer proof, a decree photo):
    referenced by columns marked `info={"private": True}` and by nothing
    shown in public. Such variants are served only through the routes that
    check who is asking, never from the public /media address."""
    columns = image_references()
    private = [column for column in columns if column.info.get("private")]
    if not private:
        return False
    image_id = select(Image.id).where(Image.key == key).scalar_subquery()

    def used_by(group: list[Column]):
        return or_(*(exists().where(column == image_id) for column in group)) if group else false()

    public = [column for column in columns if not column.info.get("private")]
    return bool(db.session.scalar(select(used_by(private) & ~used_by(public))))


def sweep_unreferenced(older_than: timedelta) -> tuple[int, int]:
    """Delete Image rows nothing references and files no row owns; return (rows, files).

    Only things older than `older_than` go: a photo uploaded a minute ago may
    belong to a form still being filled in, or to a transaction that has not
    committed yet. Rows are locked with SKIP LOCKED (PostgreSQL), so an
    upload reusing a row right now keeps it. The files of the deleted rows are
    removed when the caller commits (and kept if it rolls back, so a row never
    loses its files); they are counted in the result. Stray files, and
    leftovers of interrupted writes, are deleted at once. Files whose names we
    never write are not touched, whatever MEDIA_ROOT holds.
    """
    cutoff = utcnow() - older_than
    unreferenced = [~exists().where(column == Image.id) for column in image_references()]
    doomed_rows = db.session.execute(
        select(Image.id, Image.key, Image.widths, Image.private)
        .where(Image.created_at < cutoff, *unreferenced)
        .with_for_update(skip_locked=True)
    ).all()
    if doomed_rows:
        db.session.execute(
            delete(Image).where(Image.id.in_([row.id for row in doomed_rows])),
            execution_options={"synchronize_session": "fetch"},
        )
        db.session.flush()

    storage = get_storage()
    session = db.session()
    ledger = _ledger(session)
    doomed_paths: set[str] = set()
    for row in doomed_rows:
        # transient, for its file-naming rule
        gone = Image(key=row.key, widths=row.widths, private=row.private)
        for path in [gone.path_for(width) for width in gone.width_list] + [gone.original_path]:
            if storage.exists(path):
                doomed_paths.add(path)
                ledger.doomed.append((_current_transaction(session), storage, path))

    owned: set[tuple[str, int, bool]] = set()
    waiting: set[str] = set()
    rows = db.session.execute(select(Image.key, Image.widths, Image.status, Image.private))
    for key, widths, status, private in rows:
        owned.update((key, width, private) for width in Image(widths=widths).width_list)
        if status is ImageStatus.PROCESSING:
            waiting.add(key)
    documents = _sweep_documents(cutoff, ledger, session)
    doomed_paths.update(documents)

    stray = 0
    for stored in storage.iter_files():
        if stored.modified >= cutoff or stored.path in doomed_paths:
            continue
        if _is_stray(stored.path, owned, waiting) and storage.delete(stored.path):
            stray += 1
    return len(doomed_rows) + len(documents), stray + len(doomed_paths)


def _is_stray(path: str, owned: set[tuple[str, int, bool]], waiting: set[str]) -> bool:
    """A file of a name we write that no row owns: a variant of no image (or
    in the other place than its image's privacy says: an evidence photo's old
    public copy), an original no upload waits for, a leftover of an
    interrupted write."""
    name = path.rsplit("/", 1)[-1]
    if name.startswith(TEMP_PREFIX):
        return True
    public = path.removeprefix(f"{PRIVATE_FOLDER}/")
    variant = parse_variant_path(public)
    if variant is not None:
        return (*variant, public != path) not in owned
    original = ORIGINAL_PATH.fullmatch(path)
    if original is not None and original["key"][:2] == original["prefix"]:
        return original["key"] not in waiting
    return False


def _sweep_documents(cutoff, ledger, session) -> list[str]:
    """Delete old Document rows nothing references (a decree a group removed);
    their files go when the caller commits. Returns the doomed paths."""
    unreferenced = [
        ~exists().where(column == Document.id) for column in references_to(Document.__table__.c.id)
    ]
    rows = db.session.scalars(
        select(Document)
        .where(Document.created_at < cutoff, *unreferenced)
        .with_for_update(skip_locked=True)
    ).all()
    storage = get_storage()
    paths = []
    for document in rows:
        if storage.exists(document.path):
            paths.append(document.path)
            ledger.doomed.append((_current_transaction(session), storage, document.path))
        db.session.delete(document)
    db.session.flush()
    return paths


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


# Files written or doomed in a session's transaction are kept on session.info
# and settled when the transaction ends. Each entry remembers the innermost
# transaction (savepoint) it happened in, so rolling back a savepoint settles
# only its own files.
Entry = tuple[SessionTransaction, Storage, str]


@dataclass
class _Ledger:
    created: list[Entry] = field(default_factory=list)
    doomed: list[Entry] = field(default_factory=list)

    def committed(self) -> None:
        """The outermost transaction committed: created files are owned by
        committed rows now, and doomed files belong to rows that are gone."""
        for _tx, storage, path in self.doomed:
            _delete_quietly(storage, path)
        self.created.clear()
        self.doomed.clear()

    def rolled_back(self, transaction: SessionTransaction) -> None:
        """`transaction` ended without committing: delete the files created in
        it (or in its savepoints) and keep the files it meant to delete."""
        undone = [entry for entry in self.created if within(entry[0], transaction)]
        for _tx, storage, path in undone:
            _delete_quietly(storage, path)
        self.created = [entry for entry in self.created if entry not in undone]
        self.doomed = [entry for entry in self.doomed if not within(entry[0], transaction)]


def _ledger(session: Session) -> _Ledger:
    return session.info.setdefault(_LEDGER, _Ledger())


def _current_transaction(session: Session) -> SessionTransaction:
    transaction = session.get_nested_transaction() or session.get_transaction()
    assert transaction is not None, "called after a flush, so a transaction exists"
    return transaction


def _delete_quietly(storage: Storage, path: str) -> None:
    # Runs inside SQLAlchemy's transaction hooks: an error here must not hide
    # the one that caused a rollback. A file left behind is swept later.
    try:
        storage.delete(path)
    except OSError:
        log.warning("could not delete media file %s", path, exc_info=True)


def _after_commit(session: Session) -> None:
    ledger = session.info.get(_LEDGER)
    # A released savepoint also fires after_commit; only the outermost commit settles.
    if ledger is not None and session.get_nested_transaction() is None:
        ledger.committed()


def _after_soft_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    ledger = session.info.get(_LEDGER)
    if ledger is not None:
        ledger.rolled_back(previous_transaction)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ending with entries left means it never
    # committed: rolled back, or closed (Flask-SQLAlchemy's teardown after an
    # exception in a view calls close(), which fires no rollback event).
    ledger = session.info.get(_LEDGER)
    if ledger is not None and transaction.parent is None:
        ledger.rolled_back(transaction)


# Registered on the Session by shop.session_hooks.install (create_app).
SESSION_HOOKS = (
    ("after_commit", _after_commit),
    ("after_soft_rollback", _after_soft_rollback),
    ("after_transaction_end", _after_transaction_end),
)
