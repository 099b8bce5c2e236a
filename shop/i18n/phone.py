"""Phone and WhatsApp numbers: parsed with Google's libphonenumber, stored as E.164."""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalise(raw: str, *, mobile_only: bool = False) -> str | None:
    """`0812-3456-7890` → `+6281234567890`; None when it is not a valid number.

    Indonesia is the default region so local `08…` numbers parse; foreign
    numbers written with their `+` prefix (diaspora buyers) stay valid.
    """
    raw = (raw or "").strip()
    if not raw or len(raw) > 32:
        return None
    try:
        parsed = phonenumbers.parse(raw, "ID")
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    if mobile_only and phonenumbers.number_type(parsed) not in MOBILE_TYPES:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def looks_like_phone(raw: str) -> bool:
    """True for input meant as a phone number rather than an email address."""
    raw = (raw or "").strip()
    return bool(raw) and "@" not in raw
