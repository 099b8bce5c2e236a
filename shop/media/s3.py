"""The S3 backend of the Storage interface (boto3), its clients and its
circuit breaker: one bucket shared by every machine."""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask

from shop.media.files import Storage, StoredFile, cache_control_for, path_parts
from shop.outages import StorageUnavailable, outages

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
S3_SERVICE = "Object storage"


class Breaker:
    """Fails storage calls at once for RETRY_SECONDS after one failed.

    Like the page cache with Redis: a bucket that is down or hangs costs the
    request that finds out its timeouts, and the ones after it nothing (they
    get StorageUnavailable at once, so a 503) until the pause is over. Then one
    call tries the bucket again while the others keep failing fast; its
    answer closes the breaker or starts another pause. The outage and the
    return are logged once each (`shop.outages`).
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


def s3_storage(app: Flask) -> S3Storage:
    """The app's bucket: S3_BUCKET under S3_PREFIX, through the clients (and
    the breaker) kept per process in `app.extensions`."""
    bucket = _s3_bucket(app)
    return S3Storage(
        bucket.client,
        app.config["S3_BUCKET"],
        app.config["S3_PREFIX"],
        probe_client=bucket.probe_client,
        breaker=bucket.breaker,
    )
