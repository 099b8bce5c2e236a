"""Where image files live: a small Storage interface and its local-folder backend."""

from __future__ import annotations

import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from flask import current_app

TEMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class StoredFile:
    """One file in a storage: its relative path and when it was last written."""

    path: str
    modified: datetime


class Storage(ABC):
    """Files addressed by relative POSIX paths (`ab/abcd…-640.webp`).

    The interface knows nothing about URLs: the media blueprint serves the
    files, so a backend only stores bytes. Every method takes the same paths,
    which keeps an S3 backend (boto3: put_object, get_object, head_object,
    delete_object, list_objects_v2) a drop-in replacement for the local one.
    """

    @abstractmethod
    def save(self, path: str, data: bytes, content_type: str) -> bool:
        """Write `data` at `path`, replacing any file there, atomically: a reader
        sees the old file or the new one, never half of it. Return True when
        no file existed at `path` before, so callers know which files they created."""

    @abstractmethod
    def open(self, path: str) -> BinaryIO:
        """Open the file for reading; FileNotFoundError if it does not exist."""

    def read(self, path: str) -> bytes:
        with self.open(path) as fh:
            return fh.read()

    @abstractmethod
    def exists(self, path: str) -> bool: ...

    @abstractmethod
    def delete(self, path: str) -> bool:
        """Remove the file; return False if it was already gone."""

    @abstractmethod
    def iter_files(self) -> Iterator[StoredFile]:
        """Every file in the storage, including leftovers of interrupted writes."""


class LocalStorage(Storage):
    """Files in a folder on this machine (`MEDIA_ROOT`).

    Writes go to a temporary file in the target folder and are moved into
    place with os.replace, which is atomic on one filesystem, so a crash or a
    concurrent reader never sees a half-written image.
    """

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root).resolve()

    def _resolve(self, path: str) -> Path:
        """Map a relative path into the root; refuse anything that could leave it."""
        parts = path.split("/")
        if "\\" in path or "\0" in path or any(part in ("", ".", "..") for part in parts):
            raise ValueError(f"not a storage path: {path!r}")
        target = self.root.joinpath(*parts)
        if not target.resolve().is_relative_to(self.root):
            raise ValueError(f"not a storage path: {path!r}")
        return target

    def save(self, path: str, data: bytes, content_type: str) -> bool:
        # content_type matters to object stores; on disk the serving view sets it.
        target = self._resolve(path)
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
                    mtime = full.stat().st_mtime
                except FileNotFoundError:
                    continue
                yield StoredFile(
                    path=full.relative_to(self.root).as_posix(),
                    modified=datetime.fromtimestamp(mtime, UTC),
                )


def get_storage() -> Storage:
    """The current app's storage: the local folder `MEDIA_ROOT`.

    Built on each call from the config (a Path is cheap), so tests can point
    MEDIA_ROOT elsewhere. An object-store backend would be chosen here from a
    `STORAGE_URL` setting and cached in `current_app.extensions`, since its
    client is costly to create.
    """
    return LocalStorage(current_app.config["MEDIA_ROOT"])
