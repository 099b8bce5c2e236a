"""Small text helpers shared by the domains."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase ASCII: accents dropped (NFKD), everything else kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def slugify(text: str, max_length: int = 60) -> str:
    slug = _NON_WORD.sub("-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "x"


def unique_slug(base: str, taken) -> str:
    """`base`, or `base-2`, `base-3`… whichever `taken(slug)` says is free."""
    candidate = base
    n = 2
    while taken(candidate):
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def clean_multiline(text: str | None, max_length: int) -> str:
    """Trim, normalise line endings, drop control characters (keep newlines)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c for c in text if c == "\n" or c == "\t" or unicodedata.category(c)[0] != "C")
    return text.strip()[:max_length]


def clean_line(text: str | None, max_length: int) -> str:
    text = "".join(c for c in (text or "") if unicodedata.category(c)[0] != "C")
    return " ".join(text.split())[:max_length]
