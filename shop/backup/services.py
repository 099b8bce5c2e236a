"""Backing the whole site up to one archive, and restoring it onto an empty site."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import tarfile
import tempfile
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

import flask_migrate
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app

from shop.backup.archive import (
    DB_FOLDER,
    FILES_FOLDER,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    file_member,
    members,
    read_manifest,
    table_member,
)
from shop.backup.database import (
    ALEMBIC_TABLE,
    Loader,
    count_rows,
    current_revision,
    dump_table,
    ordered_tables,
    rows_in_the_way,
    snapshot,
    table_names,
)
from shop.config import ROOT
from shop.db import utcnow
from shop.extensions import db
from shop.media.storage import TEMP_PREFIX, Storage, get_storage

CHUNK = 1024 * 1024


@dataclass
class BackupReport:
    path: Path
    revision: str
    tables: int
    rows: int
    files: int
    file_bytes: int
    files_included: bool
    archive_bytes: int
    seconds: float
    # Listed by the storage but gone before they could be read (a sweep).
    vanished: list[str] = field(default_factory=list)


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


def default_output() -> Path:
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    return Path(current_app.instance_path) / "backups" / f"etalase-{stamp}.tar.gz"


def create_backup(output: Path, *, include_files: bool = True) -> BackupReport:
    """Write the whole site to one .tar.gz at `output`.

    The database is read in one snapshot (the site may keep running), every
    table of the metadata as typed JSON lines, so the archive restores onto
    either engine. The files are read through the storage after that snapshot,
    so every file the snapshot references is there unless a sweep removed it
    in between (reported in `vanished`). The archive is written under a
    temporary name beside `output` and renamed when complete, so `output`
    never names half an archive.

    The archive holds password hashes, phone numbers, addresses and transfer
    proofs: it is written 0600, its work folder is 0700, and so is the folder
    for it when this call makes it (instance/backups by default).
    """
    started = perf_counter()
    output = output.resolve()
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work_dir:
        work = Path(work_dir)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": utcnow().isoformat(),
            "engine": db.engine.dialect.name,
        }
        manifest["alembic_revision"], manifest["tables"] = _dump_database(work / "db")
        files, vanished = _collect_files(work / "files", include_files)
        manifest["files_included"] = include_files
        manifest["files"] = files
        try:
            _write_archive(partial, work, manifest)
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
    tables = [entry for entry in manifest["tables"] if entry["name"] != ALEMBIC_TABLE]
    return BackupReport(
        path=output,
        revision=manifest["alembic_revision"],
        tables=len(tables),
        rows=sum(entry["rows"] for entry in tables),
        files=len(files),
        file_bytes=sum(entry["size"] for entry in files),
        files_included=include_files,
        archive_bytes=output.stat().st_size,
        seconds=perf_counter() - started,
        vanished=vanished,
    )


def _dump_database(folder: Path) -> tuple[str, list[dict]]:
    folder.mkdir()
    tables, _ = ordered_tables(db.metadata)
    entries = []
    with snapshot(db.engine) as connection:
        revision = current_revision(connection)
        if revision is None:
            raise BackupError("The database has no Alembic revision; run `flask db upgrade` first.")
        present = table_names(connection)
        wanted = [(None, ALEMBIC_TABLE)] + [(tbl, tbl.name) for tbl in tables]
        for tbl, name in wanted:
            if name not in present:
                continue
            with (folder / f"{name}.jsonl").open("wb") as out:
                columns, rows = dump_table(connection, tbl, name, out)
            entries.append({"name": name, "columns": columns, "rows": rows})
    return revision, entries


def _collect_files(folder: Path, include: bool) -> tuple[list[dict], list[str]]:
    """Each stored file's path, size and sha256, copied into `folder` when included."""
    folder.mkdir()
    storage = get_storage()
    paths = sorted(
        stored.path
        for stored in storage.iter_files()
        if not stored.path.rsplit("/", 1)[-1].startswith(TEMP_PREFIX)
    )
    entries, vanished = [], []
    for path in paths:
        digest, size = hashlib.sha256(), 0
        copy = folder / str(len(entries))
        try:
            target = copy.open("wb") if include else nullcontext()
            with storage.open(path) as source, target as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    if out is not None:
                        out.write(chunk)
        except FileNotFoundError:
            copy.unlink(missing_ok=True)
            vanished.append(path)
            continue
        entries.append({"path": path, "size": size, "sha256": digest.hexdigest()})
    return entries, vanished


def _write_archive(partial: Path, work: Path, manifest: dict) -> None:
    """manifest.json first (a restore checks it before touching anything), then
    the tables in foreign-key order, then the files."""
    mtime = int(utcnow().timestamp())
    # Made anew (a leftover of a killed run may have another mode), readable
    # by its owner only; os.replace keeps the mode.
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        with tarfile.open(fileobj=fh, mode="w:gz", compresslevel=6) as tar:
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), mtime, 0o644
            tar.addfile(info, _BytesReader(data))
            for entry in manifest["tables"]:
                name = entry["name"]
                _add(tar, work / "db" / f"{name}.jsonl", table_member(name), mtime)
            if manifest["files_included"]:
                for index, entry in enumerate(manifest["files"]):
                    _add(tar, work / "files" / str(index), file_member(entry["path"]), mtime)
        fh.flush()
        os.fsync(fh.fileno())


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.offset = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk, self.offset = self.data[self.offset : end], min(end, len(self.data))
        return chunk


def _add(tar: tarfile.TarFile, source: Path, name: str, mtime: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = source.stat().st_size, mtime, 0o644
    with source.open("rb") as fh:
        tar.addfile(info, fh)


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
