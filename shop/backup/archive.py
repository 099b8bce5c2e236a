"""The backup archive's format: a manifest, table rows as typed JSON lines, and the files."""

from __future__ import annotations

import base64
import enum
import json
import tarfile
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import IO, Any

FORMAT = "etalase-backup"
# Raise when an older reader could no longer restore what is written.
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_FOLDER = "db/"
FILES_FOLDER = "files/"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


def encode(value: Any) -> Any:
    """A column value as JSON. Values JSON has no type for become {"$": type, "v": text},
    so they come back as the same Python type; enums are stored by value, as in the
    database. Dicts and lists (JSON columns) are wrapped too, so their content can
    never be mistaken for a tag."""
    if isinstance(value, enum.Enum):
        value = value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, time):
        return {"$": "time", "v": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$": "decimal", "v": str(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$": "bytes", "v": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, timedelta):
        return {"$": "timedelta", "v": value.total_seconds()}
    if isinstance(value, uuid.UUID):
        return {"$": "uuid", "v": str(value)}
    if isinstance(value, dict | list | tuple):
        return {"$": "json", "v": value}
    raise BackupError(f"Cannot back up a value of type {type(value).__name__}.")


_DECODERS = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "decimal": Decimal,
    "bytes": base64.b64decode,
    "timedelta": lambda seconds: timedelta(seconds=seconds),
    "uuid": uuid.UUID,
    "json": lambda value: value,
}


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        return _DECODERS[value["$"]](value["v"])
    return value


def row_line(values) -> bytes:
    return json.dumps([encode(v) for v in values], ensure_ascii=False).encode() + b"\n"


def parse_line(line: bytes) -> list[Any]:
    return [decode(v) for v in json.loads(line)]


def table_member(name: str) -> str:
    return f"{DB_FOLDER}{name}.jsonl"


def file_member(path: str) -> str:
    return f"{FILES_FOLDER}{path}"


def read_manifest(tar: tarfile.TarFile) -> dict:
    """The manifest, which is the archive's first member; BackupError if it is
    missing or of a format this version cannot read."""
    first = tar.next()
    if first is None or first.name != MANIFEST:
        raise BackupError("Not an Etalase backup: the archive does not start with manifest.json.")
    manifest = json.loads(_extract(tar, first).read())
    if manifest.get("format") != FORMAT:
        raise BackupError("Not an Etalase backup: manifest.json names another format.")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(
            f"The archive has format version {manifest['format_version']}; this version of "
            f"Etalase reads up to {FORMAT_VERSION}. Restore it with a newer Etalase."
        )
    return manifest


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    if not member.isfile():
        raise BackupError(f"The archive is damaged: {member.name} is not a file.")
    handle = tar.extractfile(member)
    assert handle is not None
    return handle


def members(tar: tarfile.TarFile):
    """(member, reader) for every member after the manifest, in archive order."""
    while (member := tar.next()) is not None:
        yield member, _extract(tar, member)
