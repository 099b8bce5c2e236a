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


ZWJ = "\u200d"
BLACK_FLAG = "\U0001f3f4"
CANCEL_TAG = "\U000e007f"
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_TAGS = range(0xE0020, 0xE007F)


def _is_variation_selector(c: str) -> bool:
    return "\ufe00" <= c <= "\ufe0f" or "\U000e0100" <= c <= "\U000e01ef"


def _is_emoji(c: str) -> bool:
    """A picture an emoji sequence is built of: a symbol (👩, 🍳, ❤, ♀) or a
    skin tone."""
    return unicodedata.category(c) == "So" or ord(c) in _SKIN_TONES


def _tag_run(text: str, start: int) -> int:
    """The end of the tag characters at `start` when they spell a flag's
    subdivision (🏴 + tags + cancel tag, e.g. Scotland), else `start`."""
    end = start
    while end < len(text) and ord(text[end]) in _TAGS:
        end += 1
    if end > start and end < len(text) and text[end] == CANCEL_TAG:
        return end + 1
    return start


def strip_invisible(text: str, keep: str = "") -> str:
    """`text` without control and format characters (category C: bidi
    overrides, zero-width spaces, BOM, soft hyphens…) except those in `keep`,
    while emoji stay whole: a zero-width joiner between two pictures
    (👩‍🍳, 👨‍👩‍👧), the tags of a subdivision flag, and one variation selector
    after a character (❤️; more hide data)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c in keep:
            out.append(c)
        elif _is_variation_selector(c):
            if out and not _is_variation_selector(out[-1]) and out[-1] not in keep:
                out.append(c)
        elif c == ZWJ:
            before = out[-1] if out else ""
            if before and _is_variation_selector(before) and len(out) > 1:
                before = out[-2]
            after = text[i + 1] if i + 1 < len(text) else ""
            if before and after and _is_emoji(before) and _is_emoji(after):
                out.append(c)
        elif c == BLACK_FLAG and ord(text[i + 1 : i + 2] or "\0") in _TAGS:
            end = _tag_run(text, i + 1)
            out.append(text[i:end])
            i = end
            continue
        elif unicodedata.category(c)[0] != "C":
            out.append(c)
        i += 1
    return "".join(out)


def clean_multiline(text: str | None, max_length: int) -> str:
    """Trim, normalise line endings, drop invisible characters (keep newlines, tabs and emoji)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return strip_invisible(text, keep="\n\t").strip()[:max_length]


def clean_line(text: str | None, max_length: int) -> str:
    """One line, spaces collapsed, invisible characters dropped (emoji kept whole)."""
    return " ".join(strip_invisible(text or "").split())[:max_length]
