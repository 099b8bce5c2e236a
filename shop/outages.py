"""Backing services that went away: one log line when one does, one when it is back.

A Redis outage is met by several parts of a request at once (the rate
limiter, the page cache), on every request while it lasts; a database or
file storage outage by every request that needs it. Each part reports here;
the log gets a warning when the first part loses the service and a note
when the last part has it back, never a line per request.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit

log = logging.getLogger("shop.outages")

# What the site does while a service is away, for the warning.
FALLBACKS = {
    "Redis": "rate limits are counted in each process's memory and pages are "
    "rendered without the shared cache",
    "The database": "pages answer 503 with Retry-After",
    # The file storage (shop.media.storage): the bucket, or the local folder.
    "Object storage": "images, transfer proofs and downloads answer 503 with "
    "Retry-After, uploads are refused, and the bucket is tried again every few seconds",
    "The media folder": "uploads are refused and files it cannot give answer 503 with Retry-After",
}


def service_name(url: str) -> str:
    """`Redis at host:port` for a redis:// address: never its password."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0] or "redis"
    name = "Redis" if scheme.startswith("redis") else scheme
    host = parts.hostname or "localhost"
    return f"{name} at {host}:{parts.port or 6379}" if name == "Redis" else f"{name} at {host}"


class StorageUnavailable(OSError):
    """The storage cannot be reached or written (network, credentials,
    permissions, a full disk): nothing is wrong with the request itself, so
    callers show one "storage is unavailable" message (a page answers 503).
    A missing file is FileNotFoundError, never this. `service` names the
    storage for the log (the outage tracker). Raised by the storages
    (shop.media.storage, shop.media.s3); shop.errors answers it with a 503."""

    service = "The file storage"


class Outages:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down: dict[str, set[str]] = {}

    def failed(self, service: str, part: str, error: BaseException | str) -> None:
        with self._lock:
            parts = self._down.setdefault(service, set())
            first = not parts
            parts.add(part)
        if first:
            text = str(error).strip()
            detail = text.splitlines()[0] if text else type(error).__name__
            log.warning(
                "%s is unreachable (%s): %s until it answers again",
                service,
                detail,
                next((text for name, text in FALLBACKS.items() if service.startswith(name)), part),
            )

    def recovered(self, service: str, part: str) -> None:
        with self._lock:
            parts = self._down.get(service)
            if not parts or part not in parts:
                return
            parts.discard(part)
            last = not parts
        if last:
            log.info("%s answers again: back to normal", service)

    def is_down(self, service: str, part: str | None = None) -> bool:
        with self._lock:
            parts = self._down.get(service, set())
            return bool(parts) if part is None else part in parts


outages = Outages()
