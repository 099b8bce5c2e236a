"""The Storage interface every backend implements (the local folder in
shop.media.storage, the bucket in shop.media.s3) and what they share: stored
files, storage paths, the private areas and their caching."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

TEMP_PREFIX = ".tmp-"
# Files only the checking routes may serve (evidence photos, documents); every
# other stored file is public and immutable (its name is its content hash).
PRIVATE_AREAS = ("private/", "doc/")
PUBLIC_CACHE_CONTROL = "public, max-age=31536000, immutable"
PRIVATE_CACHE_CONTROL = "private, no-store"


@dataclass(frozen=True)
class StoredFile:
    """One file in a storage: its relative path, when it was last written and
    its size in bytes."""

    path: str
    modified: datetime
    size: int | None = None


def is_private_path(path: str) -> bool:
    """Whether a stored file lives in an area only the checking routes serve."""
    return path.startswith(PRIVATE_AREAS)


def cache_control_for(path: str) -> str:
    return PRIVATE_CACHE_CONTROL if is_private_path(path) else PUBLIC_CACHE_CONTROL


def path_parts(path: str) -> list[str]:
    """The parts of a relative POSIX storage path; ValueError for anything that
    could name a file outside the storage (`..`, empty parts, `\\`, NUL)."""
    parts = path.split("/")
    if "\\" in path or "\0" in path or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"not a storage path: {path!r}")
    return parts


class Storage(ABC):
    """Files addressed by relative POSIX paths (`ab/abcd…-640.webp`).

    The interface knows nothing about URLs: the media blueprint serves the
    files, so a backend only stores bytes. Every method takes the same paths,
    so the local folder and the bucket are interchangeable. Failures of the
    storage itself raise StorageUnavailable; a missing file FileNotFoundError.
    """

    @abstractmethod
    def save(self, path: str, data: bytes, content_type: str) -> bool:
        """Write `data` at `path`, replacing any file there, atomically: a reader
        sees the old file or the new one, never half of it. Return True when
        no file existed at `path` before, so callers know which files they created."""

    @abstractmethod
    def open(self, path: str) -> BinaryIO:
        """Open the file for reading; FileNotFoundError if it does not exist.
        The caller closes it (a response closes the file it streams)."""

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

    @abstractmethod
    def check(self) -> None:
        """Raise StorageUnavailable unless files can be stored now; cheap
        enough for a readiness probe."""
