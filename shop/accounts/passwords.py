"""Password strength: new passwords that are common or easily guessed are refused.

zxcvbn estimates how many guesses a password takes. Its dictionaries are
English, so the person's own name, number and email, the site's name and a
short list of common Indonesian passwords are passed to it as extra words.
The reason shown is ours (translated), never zxcvbn's English text.
"""

from __future__ import annotations

import re

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

from shop.errors import DomainError

# zxcvbn refuses longer input (ValueError); a longer passphrase is scored on
# its first 72 characters, which is plenty to be strong.
SCORED_CHARS = 72
MIN_LENGTH = 8
MAX_LENGTH = 200
# zxcvbn's 0–4 scale: 3 means "safely unguessable" (~10^8 guesses and more).
MIN_SCORE = 3

# Common Indonesian passwords and words people build them from (leaked-list
# favourites), and the demo's published password: zxcvbn only knows English.
COMMON_WORDS = (
    "etalase",
    "etalase-demo",
    "etalasedemo",
    "demo",
    "rahasia",
    "sandi",
    "katasandi",
    "sayang",
    "sayangku",
    "cinta",
    "cintaku",
    "bismillah",
    "alhamdulillah",
    "indonesia",
    "jakarta",
    "bandung",
    "surabaya",
    "merdeka",
    "garuda",
    "persija",
    "persib",
    "kelompok",
    "koperasi",
    "anggota",
    "ketua",
    "toko",
    "jualan",
    "usaha",
    "rumah",
    "keluarga",
    "mama",
    "papa",
    "ibu",
    "bapak",
    "anakku",
    "masuk",
    "daftar",
    "admin",
    "qwerty",
    "asdfgh",
)

_HINTS = {
    "sequence": _l("it is a sequence such as 1234 or abcd."),
    "repeat": _l("it repeats the same characters."),
    "keyboard": _l("it is a row of keys on the keyboard."),
    "date": _l("it contains a date or a year that is easy to guess."),
    "personal": _l("it contains your name, number or email, or this site's name."),
    "common": _l("it is a common password or word."),
}
_DEFAULT_HINT = _l("add a few more words or characters that only you would think of.")


def _user_words(user_inputs: list[str]) -> list[str]:
    """The person's name, number and email, split into the words zxcvbn matches."""
    words: list[str] = []
    for value in user_inputs:
        text = (value or "").strip().lower()
        if not text:
            continue
        words.append(text)
        if "@" in text:
            text = text.split("@", 1)[0]
        digits = re.sub(r"\D", "", text)
        if len(digits) >= 6:
            # +62812…, 0812…, and the last digits people use.
            words += [digits, "0" + digits[2:] if digits.startswith("62") else digits, digits[-6:]]
        words += [part for part in re.split(r"[^a-z0-9]+", text) if len(part) >= 3]
    return words


def _site_words() -> list[str]:
    if has_app_context():
        return [str(current_app.config.get("SITE_NAME", "")).lower()]
    return []


def _hint(result: dict, personal: set[str]) -> object:
    """One short reason, from what zxcvbn matched (its weakest piece)."""
    for match in result["sequence"]:
        pattern = match.get("pattern")
        if pattern == "dictionary" and match.get("matched_word") in personal:
            return _HINTS["personal"]
    for match in result["sequence"]:
        pattern = match.get("pattern")
        if pattern == "sequence":
            return _HINTS["sequence"]
        if pattern == "repeat":
            return _HINTS["repeat"]
        if pattern == "spatial":
            return _HINTS["keyboard"]
        if pattern in ("date", "regex"):
            return _HINTS["date"]
    if any(match.get("pattern") == "dictionary" for match in result["sequence"]):
        return _HINTS["common"]
    return _DEFAULT_HINT


def validate_new_password(password: str, *, user_inputs: list[str]) -> None:
    """Refuse a new password that is too short, too long or easily guessed.

    Raises DomainError(reason, field="password") with the reason in the
    person's language.
    """
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise DomainError(_l("Use at least 8 characters for the password."), field="password")
    if len(password) > MAX_LENGTH:
        raise DomainError(_l("Use at most 200 characters for the password."), field="password")
    personal = _user_words(list(user_inputs)) + _site_words()
    result = zxcvbn(password[:SCORED_CHARS], user_inputs=personal + list(COMMON_WORDS))
    if result["score"] >= MIN_SCORE:
        return
    hint = _hint(result, set(personal) - set(COMMON_WORDS))
    raise DomainError(
        _l("This password is too easy to guess: %(reason)s", reason=hint), field="password"
    )
