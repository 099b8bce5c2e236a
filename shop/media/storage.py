"""Where uploaded files live: a small Storage interface, a local-folder backend
and an S3 (or S3-compatible) bucket backend shared by every machine."""

from __future__ import annotations

import errno
import os
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask, current_app

from shop.config import PREFIX, UnsafeConfiguration
from shop.core.outages import outages

TEMP_PREFIX = ".tmp-"
BACKENDS = ("local", "s3")
# Files only the checking routes may serve (evidence photos, documents); every
# other stored file is public and immutable (its name is its content hash).
PRIVATE_AREAS = ("private/", "doc/")
PUBLIC_CACHE_CONTROL = "public, max-age=31536000, immutable"
PRIVATE_CACHE_CONTROL = "private, no-store"
# Errors of a full, read-only or forbidden disk: the storage is unavailable,
# not the request wrong.
UNAVAILABLE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})
_S3_CLIENTS = "etalase.s3_clients"
_S3_LOCK = threading.Lock()
# The bucket's timeouts. A request: connect 2 s, each read 5 s, two attempts;
# the readiness probe (check): 2 s, one attempt, so /readyz answers in ~2 s
# even when the endpoint accepts connections and never answers.
S3_CONNECT_TIMEOUT = 2
S3_READ_TIMEOUT = 5
S3_MAX_ATTEMPTS = 2
S3_PROBE_TIMEOUT = 2
# After the bucket fails, how long calls fail at once instead of trying it
# again (a bucket that hangs costs one request its timeouts, not every one).
RETRY_SECONDS = 5.0
# The longest one call that tries the bucket again may take (the timeouts
# above, with a retry); meanwhile other calls still fail at once.
TRIAL_SECONDS = 20.0
LOCAL_SERVICE = "The media folder"
S3_SERVICE = "Object storage"


class StorageUnavailable(OSError):
    """The storage cannot be reached or written (network, credentials,
    permissions, a full disk): nothing is wrong with the request itself, so
    callers show one "storage is unavailable" message (a page answers 503).
    A missing file is FileNotFoundError, never this. `service` names the
    storage for the log (the outage tracker)."""

    service = "The file storage"


class Breaker:
    """Fails storage calls at once for RETRY_SECONDS after one failed.

    Like the page cache with Redis: a bucket that is down or hangs costs the
    request that finds out its timeouts, and the ones after it nothing (they
    get StorageUnavailable at once, so a 503) until the pause is over. Then one
    call tries the bucket again while the others keep failing fast; its
    answer closes the breaker or starts another pause. The outage and the
    return are logged once each (`shop.core.outages`).
    """

    def __init__(self, service: str, retry_seconds: float = RETRY_SECONDS) -> None:
        self.service = service
        self.retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self._down = False
        self._retry_at = 0.0
        self._reason = ""

    @property
    def is_open(self) -> bool:
        return self._down

    def enter(self) -> None:
        """Before a call: raise StorageUnavailable while the pause lasts."""
        if not self._down:
            return
        with self._lock:
            if not self._down:
                return
            now = time.monotonic()
            if now < self._retry_at:
                error = StorageUnavailable(
                    errno.EAGAIN,
                    f"{self.service} failed a moment ago ({self._reason}); "
                    "not tried again for a few seconds",
                )
                error.service = self.service
                raise error
            # This call tries the storage again; the others wait for it.
            self._retry_at = now + TRIAL_SECONDS

    def failed(self, error: StorageUnavailable) -> None:
        error.service = self.service
        text = str(error).strip()
        with self._lock:
            self._down = True
            self._retry_at = time.monotonic() + self.retry_seconds
            self._reason = text.splitlines()[0] if text else type(error).__name__
        outages.failed(self.service, "storage", error)

    def answered(self) -> None:
        """The storage answered (a missing file is an answer too)."""
        if not self._down:
            return
        with self._lock:
            was_down, self._down, self._retry_at = self._down, False, 0.0
        if was_down:
            outages.recovered(self.service, "storage")

    def abandoned(self) -> None:
        """A call ended with neither an answer nor a failure (a bad path, say):
        if it was the one trying the storage again, the next try comes after
        the usual pause rather than TRIAL_SECONDS."""
        if self._down:
            with self._lock:
                self._retry_at = min(self._retry_at, time.monotonic() + self.retry_seconds)


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


class S3Storage(Storage):
    """Objects in an S3 bucket (AWS, or any S3-compatible store), every key
    under `prefix`, so one bucket can hold other things too.

    A PUT is atomic (readers see the old object or the new one), so no
    temporary objects are written. No object gets an ACL: the bucket decides
    what is public (see the README). Each object carries the Cache-Control
    its area needs, for a CDN or browser fetching it from the bucket directly.
    """

    def __init__(
        self,
        client,
        bucket: str,
        prefix: str = "",
        *,
        probe_client=None,
        breaker: Breaker | None = None,
    ):
        self.client = client
        # check() asks through a client with one short attempt (readiness probes).
        self.probe_client = probe_client or client
        self.bucket = bucket
        prefix = prefix.strip("/")
        if prefix:
            path_parts(prefix)
        self.prefix = f"{prefix}/" if prefix else ""
        self.breaker = breaker or Breaker(s3_service_name(client, bucket))

    def _guarded(self, call, *args):
        """Run one storage operation through the breaker."""
        breaker = self.breaker
        breaker.enter()
        try:
            result = call(*args)
        except StorageUnavailable as error:
            breaker.failed(error)
            raise
        except FileNotFoundError:
            breaker.answered()
            raise
        except BaseException:
            breaker.abandoned()
            raise
        breaker.answered()
        return result

    def _key(self, path: str) -> str:
        path_parts(path)
        return self.prefix + path

    def _head(self, key: str) -> dict | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _not_found(error):
                return None
            raise _unavailable(error) from error
        except BotoCoreError as error:
            raise _unavailable(error) from error

    def save(self, path: str, data: bytes, content_type: str) -> bool:
        return self._guarded(self._save, self._key(path), path, data, content_type)

    def _save(self, key: str, path: str, data: bytes, content_type: str) -> bool:
        created = self._head(key) is None
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=data,
                ContentType=content_type,
                CacheControl=cache_control_for(path),
            )
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from error
        return created

    def open(self, path: str) -> BinaryIO:
        return self._guarded(self._open, path)

    def _open(self, path: str) -> BinaryIO:
        key = self._key(path)
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _not_found(error):
                raise FileNotFoundError(errno.ENOENT, "no such stored file", path) from None
            raise _unavailable(error) from error
        except BotoCoreError as error:
            raise _unavailable(error) from error
        return response["Body"]

    def read(self, path: str) -> bytes:
        return self._guarded(self._read, path)

    def _read(self, path: str) -> bytes:
        try:
            with self._open(path) as body:
                return body.read()
        except BotoCoreError as error:
            # The connection broke while the body was being read.
            raise _unavailable(error) from error

    def exists(self, path: str) -> bool:
        key = self._key(path)
        return self._guarded(lambda: self._head(key) is not None)

    def delete(self, path: str) -> bool:
        return self._guarded(self._delete, self._key(path))

    def _delete(self, key: str) -> bool:
        # DELETE answers the same whether or not the object was there.
        if self._head(key) is None:
            return False
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from error
        return True

    def iter_files(self) -> Iterator[StoredFile]:
        self.breaker.enter()
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        try:
            for page in pages:
                self.breaker.answered()
                for item in page.get("Contents", ()):
                    path = item["Key"][len(self.prefix) :]
                    if not path or path.endswith("/"):
                        continue
                    yield StoredFile(path=path, modified=item["LastModified"], size=item["Size"])
        except (ClientError, BotoCoreError) as error:
            unavailable = _unavailable(error)
            self.breaker.failed(unavailable)
            raise unavailable from error
        finally:
            self.breaker.abandoned()

    def check(self) -> None:
        self._guarded(self._check)

    def _check(self) -> None:
        try:
            self.probe_client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from error


def s3_service_name(client, bucket: str) -> str:
    """`Object storage (bucket b at host)` for the log: never a key."""
    endpoint = urlsplit(getattr(client.meta, "endpoint_url", "") or "")
    where = f" at {endpoint.hostname}:{endpoint.port}" if endpoint.port else ""
    if not where and endpoint.hostname:
        where = f" at {endpoint.hostname}"
    return f"{S3_SERVICE} (bucket {bucket}{where})"


def _not_found(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")


def _unavailable(error: Exception) -> StorageUnavailable:
    """Anything but "no such object" from the bucket: unreachable, refused
    credentials or permissions, a missing bucket, a full or failing store."""
    return StorageUnavailable(f"object storage is unavailable: {error}")


def make_s3_client(
    *,
    endpoint_url: str = "",
    region: str = "",
    access_key_id: str = "",
    secret_access_key: str = "",
    max_attempts: int = S3_MAX_ATTEMPTS,
    connect_timeout: float = S3_CONNECT_TIMEOUT,
    read_timeout: float = S3_READ_TIMEOUT,
):
    """A boto3 S3 client (thread-safe, unlike the session that builds it).

    SigV4, since old SigV2 signatures are refused by current stores; short
    timeouts and one retry, so a store that is unreachable or hangs fails a
    request in seconds (2 s to connect, 5 s per read, `max_attempts` tries
    in all, the first included: two) rather
    than holding a web thread for minutes. A custom endpoint (MinIO, R2,
    Spaces…) gets path-style addresses, which every S3-compatible store
    understands. Empty keys let boto3 find credentials its usual way
    (environment, instance role).
    """
    import boto3

    options: dict = {
        "signature_version": "s3v4",
        "connect_timeout": connect_timeout,
        "read_timeout": read_timeout,
        # botocore's "max_attempts" counts retries only; this counts the first try too.
        "retries": {"mode": "standard", "total_max_attempts": max_attempts},
    }
    if endpoint_url:
        options["s3"] = {"addressing_style": "path"}
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=region or None,
        aws_access_key_id=access_key_id or None,
        aws_secret_access_key=secret_access_key or None,
        config=Config(**options),
    )


@dataclass(frozen=True)
class _Bucket:
    """What the app keeps per process and settings: the client for requests,
    the quick one for readiness probes, and the breaker they share."""

    client: object
    probe_client: object
    breaker: Breaker


def _s3_bucket(app: Flask) -> _Bucket:
    """The app's S3 clients and breaker, built once per process and settings.

    Keyed by the process id too: a client built before a fork (gunicorn
    --preload) must not share its connection pool with the children, and
    each process finds out about an outage by itself.
    """
    config = app.config
    settings = (
        os.getpid(),
        config["S3_ENDPOINT_URL"],
        config["S3_REGION"],
        config["S3_ACCESS_KEY_ID"],
        config["S3_SECRET_ACCESS_KEY"],
        config["S3_BUCKET"],
    )
    buckets = app.extensions.setdefault(_S3_CLIENTS, {})
    bucket = buckets.get(settings)
    if bucket is None:
        with _S3_LOCK:
            bucket = buckets.get(settings)
            if bucket is None:
                connection = {
                    "endpoint_url": settings[1],
                    "region": settings[2],
                    "access_key_id": settings[3],
                    "secret_access_key": settings[4],
                }
                client = make_s3_client(**connection)
                bucket = _Bucket(
                    client=client,
                    probe_client=make_s3_client(
                        **connection,
                        max_attempts=1,
                        connect_timeout=S3_PROBE_TIMEOUT,
                        read_timeout=S3_PROBE_TIMEOUT,
                    ),
                    breaker=Breaker(s3_service_name(client, settings[5])),
                )
                buckets[settings] = bucket
    return bucket


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
        bucket = _s3_bucket(current_app)
        return S3Storage(
            bucket.client,
            config["S3_BUCKET"],
            config["S3_PREFIX"],
            probe_client=bucket.probe_client,
            breaker=bucket.breaker,
        )
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
