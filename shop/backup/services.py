"""Backing the whole site up to one archive (restoring it onto an empty site is
`shop.backup.restore`)."""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

from flask import current_app

from shop.backup.archive import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    file_member,
    table_member,
)
from shop.backup.database import (
    ALEMBIC_TABLE,
    current_revision,
    dump_table,
    ordered_tables,
    snapshot,
    table_names,
)
from shop.db import utcnow
from shop.extensions import db
from shop.media.storage import TEMP_PREFIX, get_storage

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
