"""What uses a stored upload, and the sweep of what nothing uses.

The columns that reference an image or a document are found from the
metadata rather than listed by hand, so a table added later (a banner, a
payment proof) protects its files from the sweep at once, and an image used
only as evidence is known to be private.

Other packages that keep files in the storage (share images, exports) add
their own sweeps to the media sweep at app set-up (`register_sweep`): the
media package does not know them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import Column, delete, exists, false, or_, select

from shop.db import utcnow
from shop.extensions import db
from shop.media.ledger import file_doomed
from shop.media.models import PRIVATE_FOLDER, Document, Image, ImageStatus
from shop.media.services import parse_variant_path
from shop.media.storage import TEMP_PREFIX, get_storage

# Where uploads wait for their variants: private/incoming/ab/<key>.
ORIGINAL_PATH = re.compile(
    rf"{PRIVATE_FOLDER}/incoming/(?P<prefix>[0-9a-f]{{2}})/(?P<key>[0-9a-f]{{64}})"
)

_SWEEPS = "etalase.sweeps"


@dataclass(frozen=True)
class Sweep:
    """Another package's part of the media sweep.

    `run(older_than)` deletes that package's stored leftovers older than
    `older_than`, commits what it changed in the database and returns how
    many went. `report` is how `flask media sweep` tells the count
    ("{} share images no page links to"); a sweep without one runs only in
    the daily sweep (shop.media.jobs.sweep), not from the command.
    """

    name: str
    run: Callable[[timedelta], int]
    report: str | None = None


def register_sweep(app: Flask, sweep: Sweep) -> None:
    """Add `sweep` to `app`'s media sweep, once per name. Registered by the
    packages that own the files, at app set-up: shop/sharing/blueprint.py
    (share images) and shop/exports/blueprint.py (exports)."""
    app.extensions.setdefault(_SWEEPS, {})[sweep.name] = sweep


def registered_sweeps() -> list[Sweep]:
    """The current app's other sweeps, in the order they were registered."""
    return list(current_app.extensions.get(_SWEEPS, {}).values())


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
    images, doomed_paths = _sweep_images(cutoff)
    documents = _sweep_documents(cutoff)
    doomed_paths.update(documents)
    owned, waiting = _owned_files()

    storage = get_storage()
    stray = 0
    for stored in storage.iter_files():
        if stored.modified >= cutoff or stored.path in doomed_paths:
            continue
        if _is_stray(stored.path, owned, waiting) and storage.delete(stored.path):
            stray += 1
    return images + len(documents), stray + len(doomed_paths)


def _sweep_images(cutoff) -> tuple[int, set[str]]:
    """Delete old Image rows nothing references; their files go when the
    caller commits. Returns the number of rows and the doomed paths."""
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
    doomed_paths: set[str] = set()
    for row in doomed_rows:
        # transient, for its file-naming rule
        gone = Image(key=row.key, widths=row.widths, private=row.private)
        for path in [gone.path_for(width) for width in gone.width_list] + [gone.original_path]:
            if storage.exists(path):
                doomed_paths.add(path)
                file_doomed(session, storage, path)
    return len(doomed_rows), doomed_paths


def _owned_files() -> tuple[set[tuple[str, int, bool]], set[str]]:
    """The variants the image rows own, as (key, width, private), and the
    keys of the uploads still waiting for theirs."""
    owned: set[tuple[str, int, bool]] = set()
    waiting: set[str] = set()
    rows = db.session.execute(select(Image.key, Image.widths, Image.status, Image.private))
    for key, widths, status, private in rows:
        owned.update((key, width, private) for width in Image(widths=widths).width_list)
        if status is ImageStatus.PROCESSING:
            waiting.add(key)
    return owned, waiting


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


def _sweep_documents(cutoff) -> list[str]:
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
    session = db.session()
    paths = []
    for document in rows:
        if storage.exists(document.path):
            paths.append(document.path)
            file_doomed(session, storage, document.path)
        db.session.delete(document)
    db.session.flush()
    return paths
