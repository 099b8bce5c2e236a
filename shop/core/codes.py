"""Random codes people read, say and type: order and nota numbers, short
links, one-time codes. One generator; each kind of code keeps its own
alphabet, length and prefix."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select

from shop.extensions import db

# Crockford's base32 without I, L, O, U: easy to read aloud and type on a phone.
NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Short links leave out what people confuse (0/O, 1/I/L) and U (no accidental words).
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
DIGITS = "0123456789"
NUMBER_LENGTH = 6


def random_code(alphabet: str, length: int, prefix: str = "") -> str:
    """`prefix` and `length` characters drawn from `alphabet` by a CSPRNG."""
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


def new_number(prefix: str, column) -> str:
    """`prefix` and six random characters no row has in `column` yet: short,
    unambiguous, not guessable in sequence (orders, consignment notes)."""
    while True:
        number = random_code(NUMBER_ALPHABET, NUMBER_LENGTH, prefix)
        if db.session.scalar(select(func.count()).where(column == number)) == 0:
            return number
