"""Where uploaded files live: the local-folder backend, and the choice of
backend from the settings (this folder, or the S3 bucket of shop.media.s3
shared by every machine). The interface itself is in shop.media.files."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from flask import Flask, current_app

from shop.config import PREFIX, UnsafeConfiguration
from shop.media.files import (
    PRIVATE_CACHE_CONTROL,
    TEMP_PREFIX,
    Storage,
    StoredFile,
    cache_control_for,
    is_private_path,
    path_parts,
)
from shop.outages import StorageUnavailable, outages

# Importers name the interface through this module too.
__all__ = [
    "PRIVATE_CACHE_CONTROL",
    "TEMP_PREFIX",
    "LocalStorage",
    "Storage",
    "StoredFile",
    "cache_control_for",
    "get_storage",
    "init_storage",
    "is_private_path",
    "path_parts",
]

BACKENDS = ("local", "s3")
# Errors of a full, read-only or forbidden disk: the storage is unavailable,
# not the request wrong.
UNAVAILABLE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})
LOCAL_SERVICE = "The media folder"


class LocalStorage(Storage):
    """Files in a folder on this machine (`MEDIA_ROOT`).

    Writes go to a temporary file in the target folder and are moved into
    place with os.replace, which is atomic on one filesystem, so a crash or a
    concurrent reader never sees a half-written image.
    """

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root).resolve()
        self.service = f"{LOCAL_SERVICE} {self.root}"

    def _unavailable(self, code: int, message: str) -> StorageUnavailable:
        error = StorageUnavailable(code, message)
        error.service = self.service
        return error

    def _resolve(self, path: str) -> Path:
        """Map a relative path into the root; refuse anything that could leave it."""
        target = self.root.joinpath(*path_parts(path))
        if not target.resolve().is_relative_to(self.root):
            raise ValueError(f"not a storage path: {path!r}")
        return target

    def save(self, path: str, data: bytes, content_type: str) -> bool:
        # content_type matters to object stores; on disk the serving view sets it.
        target = self._resolve(path)
        try:
            created = self._write(target, data)
        except OSError as error:
            if error.errno in UNAVAILABLE_ERRNOS:
                raise self._unavailable(error.errno, f"cannot write {path}: {error}") from error
            raise
        outages.recovered(self.service, "storage")
        return created

    @staticmethod
    def _write(target: Path, data: bytes) -> bool:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            # mkstemp creates 0600; a web server serving MEDIA_ROOT directly must read it.
            os.chmod(temp_name, 0o644)
            created = not target.exists()
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return created

    def open(self, path: str) -> BinaryIO:
        return self._resolve(path).open("rb")

    def exists(self, path: str) -> bool:
        return self._resolve(path).is_file()

    def delete(self, path: str) -> bool:
        try:
            self._resolve(path).unlink()
        except FileNotFoundError:
            return False
        return True

    def iter_files(self) -> Iterator[StoredFile]:
        if not self.root.is_dir():
            return
        for folder, _dirs, names in os.walk(self.root):
            for name in names:
                full = Path(folder, name)
                try:
                    stat = full.stat()
                except FileNotFoundError:
                    continue
                yield StoredFile(
                    path=full.relative_to(self.root).as_posix(),
                    modified=datetime.fromtimestamp(stat.st_mtime, UTC),
                    size=stat.st_size,
                )

    def check(self) -> None:
        if not self.root.is_dir():
            raise self._unavailable(errno.ENOENT, f"{self.root} is not a folder")
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise self._unavailable(errno.EACCES, f"{self.root} is not writable")
        outages.recovered(self.service, "storage")


def get_storage() -> Storage:
    """The current app's storage, chosen by STORAGE_BACKEND.

    "local": the folder MEDIA_ROOT, built on each call (a Path is cheap, and
    tests point MEDIA_ROOT elsewhere). "s3": the bucket S3_BUCKET under
    S3_PREFIX, through clients (and a breaker) kept in
    `current_app.extensions`, since a client is costly to build and an
    outage seen by one request must spare the next ones.
    """
    config = current_app.config
    if config["STORAGE_BACKEND"] == "s3":
        from shop.media.s3 import s3_storage

        return s3_storage(current_app)
    return LocalStorage(config["MEDIA_ROOT"])


def init_storage(app: Flask) -> None:
    """Refuse to start with storage settings that cannot work, in one line.

    Nothing is contacted here (a readiness probe calls Storage.check); the
    local folder is created if it can be.
    """
    config = app.config
    backend = config["STORAGE_BACKEND"]
    if backend not in BACKENDS:
        raise UnsafeConfiguration(
            f"Etalase will not start: {PREFIX}STORAGE_BACKEND is {backend!r}; use 'local' or 's3'."
        )
    if backend == "s3":
        if not config["S3_BUCKET"]:
            raise UnsafeConfiguration(
                f"Etalase will not start: {PREFIX}STORAGE_BACKEND is 's3' "
                f"but {PREFIX}S3_BUCKET is not set."
            )
        try:
            path_parts(config["S3_PREFIX"].strip("/") or "x")
        except ValueError:
            raise UnsafeConfiguration(
                f"Etalase will not start: {PREFIX}S3_PREFIX {config['S3_PREFIX']!r} "
                "is not a folder name (no '..', '\\' or empty parts)."
            ) from None
    elif config["MEDIA_ROOT"]:
        try:
            Path(config["MEDIA_ROOT"]).mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # Storage.check reports it; the first upload says why.
