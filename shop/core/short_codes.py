"""Short codes: what `/s/<code>` resolves to a group's shop or a product.

A code is read aloud over the phone and typed on one, so its alphabet leaves
out the characters people confuse (0/O, 1/I/L) and U (no accidental words),
input ignores case, dashes and spaces, and groups and products never share a
code because their lengths differ: 5 characters for a group (24 million
possible codes), 6 for a product (729 million).
"""

from __future__ import annotations

from shop.core import codes as core_codes

# A group's code is one character shorter than a product's, so the two never
# share a code (Group.short_code, Product.short_code).
GROUP_CODE_LENGTH = 5
PRODUCT_CODE_LENGTH = 6

ALPHABET = core_codes.SHORT_CODE_ALPHABET
MAX_ATTEMPTS = 20


def random_code(length: int) -> str:
    return core_codes.random_code(ALPHABET, length)


def unique_code(length: int, taken) -> str:
    """A random code that `taken(code)` says is free; collisions are rare, so
    a few retries are plenty, and running out means something is wrong."""
    for _ in range(MAX_ATTEMPTS):
        code = random_code(length)
        if not taken(code):
            return code
    raise RuntimeError(f"no free short code of length {length} after {MAX_ATTEMPTS} tries")


def normalise(text: str) -> str | None:
    """The code someone typed, as stored (upper case, no dashes or spaces),
    or None when it cannot be a code at all (so no query is needed)."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) not in (GROUP_CODE_LENGTH, PRODUCT_CODE_LENGTH):
        return None
    if any(c not in ALPHABET for c in code):
        return None
    return code


def spoken(code: str) -> str:
    """The code as shown to be read aloud: a 6-character one as ABC-DEF."""
    return f"{code[:3]}-{code[3:]}" if len(code) == PRODUCT_CODE_LENGTH else code
