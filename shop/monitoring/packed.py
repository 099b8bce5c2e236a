"""Seconds-to-confirm values kept in a rollup row or a cell: sorted int32,
little-endian, as one blob, so a median over many rows is a merge of sorted
runs rather than a query per order."""

from __future__ import annotations

import array
import sys


def pack(values) -> bytes:
    """Sorted int32, little-endian."""
    values = array.array("i", sorted(values))
    if sys.byteorder == "big":
        values.byteswap()
    return values.tobytes()


def unpack(blob: bytes) -> array.array:
    values = array.array("i")
    values.frombytes(blob)
    if sys.byteorder == "big":
        values.byteswap()
    return values
