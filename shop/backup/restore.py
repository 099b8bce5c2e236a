"""Restoring a backup archive (`shop.backup.services`) onto an empty site."""

from __future__ import annotations

import hashlib
import mimetypes
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

import flask_migrate
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app

from shop.backup.archive import DB_FOLDER, FILES_FOLDER, BackupError, members, read_manifest
from shop.backup.database import (
    ALEMBIC_TABLE,
    Loader,
    count_rows,
    current_revision,
    ordered_tables,
    rows_in_the_way,
    snapshot,
    table_names,
)
from shop.backup.services import CHUNK
from shop.config import ROOT
from shop.extensions import db
from shop.media.storage import TEMP_PREFIX, Storage, get_storage


@dataclass
class RestoreReport:
    created_at: str
    source_engine: str
    revision: str
    head: str
    tables: int
    rows: int
    files: int
    file_bytes: int
    files_included: bool
    products_indexed: int
    seconds: float
    # Of a --no-files archive: listed files the storage does not have.
    absent_files: list[str] = field(default_factory=list)


def migrations_directory() -> str:
    configured = Path(current_app.extensions["migrate"].directory)
    if not configured.is_absolute() and not configured.is_dir():
        configured = ROOT / configured
    return str(configured)


def restore_backup(archive: Path) -> RestoreReport:
    """Bring an archive back onto an empty database and storage.

    Rules, and why:
    - Nothing is touched unless the database is empty: no tables at all, or
      migrated to the archive's revision with no rows but the migrations' own
      (the regions). Restoring over a live site would mix two sites.
    - The storage must hold no file the archive does not have, or has with
      other content; files already there with the same content are kept, so
      a site moving engines on one machine can keep its media folder.
    - An empty database is migrated to the archive's revision (not further),
      so the rows fit the schema they came from; `flask db upgrade` does the
      rest, and is a no-op for an archive made at the head.
    - The rows, the search index and the files go in one transaction: a
      failure rolls the rows back and deletes the files this call wrote, so a
      failed restore leaves an empty database and can be run again.
    """
    started = perf_counter()
    with tarfile.open(archive, "r:gz") as tar:
        manifest = read_manifest(tar)
        revision = manifest["alembic_revision"]
        directory = migrations_directory()
        head = _known_revision(directory, revision)
        files = {entry["path"]: entry for entry in manifest["files"]}
        storage = get_storage()
        needs_schema = _check_database(revision)
        kept = _check_storage(storage, files) if manifest["files_included"] else set()
        if needs_schema:
            flask_migrate.upgrade(directory=directory, revision=revision)
        written: list[str] = []
        try:
            report = _load(tar, manifest, storage, files, kept, written)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            for path in written:
                storage.delete(path)
            raise
    report.head = head
    report.seconds = perf_counter() - started
    if not manifest["files_included"]:
        report.absent_files = [path for path in files if not storage.exists(path)]
    return report


def _known_revision(directory: str, revision: str) -> str:
    """The head revision of this code; BackupError if it does not know `revision`."""
    config = Config()
    config.set_main_option("script_location", directory)
    script = ScriptDirectory.from_config(config)
    try:
        script.get_revision(revision)
    except CommandError as error:
        raise BackupError(
            f"The archive's database is at revision {revision}, which this version of "
            "Etalase does not know; restore it with the version that made it, or a newer one."
        ) from error
    return script.get_current_head() or ""


def _check_database(revision: str) -> bool:
    """Whether the database must first be given its schema; BackupError if it is not empty."""
    tables, _ = ordered_tables(db.metadata)
    with snapshot(db.engine) as connection:
        present = table_names(connection)
        if not present:
            return True
        current = current_revision(connection) if ALEMBIC_TABLE in present else None
        in_the_way = rows_in_the_way(connection, tables)
    if current is None:
        raise BackupError(
            "The database has tables but no Alembic revision; restore needs an empty "
            "database. Nothing was restored."
        )
    if in_the_way:
        listed = ", ".join(f"{table} ({rows} rows)" for table, rows in list(in_the_way.items())[:5])
        raise BackupError(
            f"The database is not empty: {listed}. Restore into a new, empty database. "
            "Nothing was restored."
        )
    if current != revision:
        raise BackupError(
            f"The database is at revision {current} and the archive at {revision}: restore "
            "needs an empty database (no tables). Nothing was restored."
        )
    return False


def _check_storage(storage: Storage, files: dict[str, dict]) -> set[str]:
    """The archive's files the storage already has with the same content;
    BackupError if it holds anything else."""
    kept, foreign = set(), []
    for stored in storage.iter_files():
        if stored.path.rsplit("/", 1)[-1].startswith(TEMP_PREFIX):
            continue
        entry = files.get(stored.path)
        if entry is not None and _sha256(storage, stored.path) == entry["sha256"]:
            kept.add(stored.path)
        else:
            foreign.append(stored.path)
    if foreign:
        raise BackupError(
            f"The storage is not empty: {len(foreign)} files are not in the archive or differ "
            f"from it (e.g. {foreign[0]}). Restore into an empty storage. Nothing was restored."
        )
    return kept


def _sha256(storage: Storage, path: str) -> str:
    digest = hashlib.sha256()
    with storage.open(path) as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _load(tar, manifest, storage, files, kept, written) -> RestoreReport:
    from shop.catalogue import search

    tables = {entry["name"]: entry for entry in manifest["tables"]}
    loader = Loader(db.session.connection(), db.metadata)
    loader.clear()
    loaded: dict[str, int] = {}
    restored_files, file_bytes = set(), 0
    for member, reader in members(tar):
        if member.name.startswith(DB_FOLDER):
            name = member.name.removeprefix(DB_FOLDER).removesuffix(".jsonl")
            if name not in tables:
                raise BackupError(f"The archive is damaged: {member.name} is not in its manifest.")
            if name != ALEMBIC_TABLE:
                loaded[name] = loader.load(name, tables[name]["columns"], reader)
        elif member.name.startswith(FILES_FOLDER):
            path = member.name.removeprefix(FILES_FOLDER)
            entry = files.get(path)
            data = reader.read()
            if entry is None or hashlib.sha256(data).hexdigest() != entry["sha256"]:
                raise BackupError(
                    f"The archive is damaged: {path} does not match its checksum. "
                    "Nothing was restored."
                )
            if path not in kept:
                content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
                storage.save(path, data, content_type)
                written.append(path)
            restored_files.add(path)
            file_bytes += len(data)
    loader.finish()
    connection = db.session.connection()
    for name, entry in tables.items():
        if name != ALEMBIC_TABLE and count_rows(connection, name) != entry["rows"]:
            raise BackupError(f"The archive is damaged: table {name} is incomplete.")
    if current_revision(connection) != manifest["alembic_revision"]:
        raise BackupError("The database's revision changed during the restore.")
    if manifest["files_included"] and restored_files != set(files):
        raise BackupError(
            f"The archive is damaged: {len(set(files) - restored_files)} of its files are missing."
        )
    # The index is rebuilt from the restored search_text, which is left as it was:
    # `flask search reindex` (rebuild_index) would recompute it and touch every
    # product's updated_at.
    indexed = search.reindex_all()
    return RestoreReport(
        created_at=manifest["created_at"],
        source_engine=manifest["engine"],
        revision=manifest["alembic_revision"],
        head="",
        tables=len(loaded),
        rows=sum(loaded.values()),
        files=len(restored_files),
        file_bytes=file_bytes,
        files_included=manifest["files_included"],
        products_indexed=indexed,
        seconds=0.0,
    )
