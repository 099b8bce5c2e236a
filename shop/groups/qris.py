"""A group's QRIS: reading and checking its static payload, and the same
payload carrying one order's exact amount.

QRIS is EMVCo's merchant-presented QR: a string of TLV fields (two digits of
tag, two of length, the value), tag 00 first and tag 63 last, whose four
upper-case hex digits are the CRC-16/CCITT-FALSE of everything before them
up to and including "6304". A shop's sticker is static (tag 01 "11") and
the buyer types the amount; the same payload with tag 01 "12" and the amount
in tag 54 makes every bank and e-wallet app fill the amount in itself.

Nothing here touches the database: the group's setup page checks a payload
with `read_static` (or `read_sticker`, from a photo), and the order's pages
make theirs with `with_amount`.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from shop.errors import DomainError
from shop.media.images import UNREADABLE_STATUS
from shop.media.qr_reader import read_qr_codes

# Longer than any real QRIS (about 150-250 characters), far shorter than
# what a paste box could send.
MAX_PAYLOAD = 512
# Tag 54 holds at most 13 characters; QRIS amounts in rupiah are whole numbers.
MAX_AMOUNT = 9_999_999_999_999
QRIS_REPOSITORY = "ID.CO.QRIS.WWW"
STATIC, DYNAMIC = "11", "12"
RUPIAH = "360"
INDONESIA = "ID"
MERCHANT_ACCOUNTS = range(26, 52)
# Tip prompt and convenience fees (55-57) would make the app ask for more
# than the order's amount: the amount QR leaves them out.
FEE_TAGS = ("55", "56", "57")

NOT_QRIS = _l(
    "This is not a QRIS code. Use the QRIS sticker of your shop (with the QRIS logo), "
    "or paste the text your bank or e-wallet app gives for it."
)
DAMAGED = _l(
    "This QRIS code is damaged or incomplete (its check digits do not match). "
    "Take the photo again, or copy the text again from your bank or e-wallet app."
)
TOO_LONG = _l("This text is too long to be a QRIS code.")
HAS_AMOUNT = _l(
    "This QRIS code is for one payment with its own amount. Use your shop's own QRIS "
    "sticker (the one buyers scan and type the amount into)."
)
FOREIGN = _l(
    "This QRIS code is not for payments in rupiah in Indonesia. Use your shop's QRIS "
    "from an Indonesian bank or e-wallet."
)
NO_CODE_IN_PHOTO = _l(
    "We could not find a QR code in this photo. Take it again closer, straight on and "
    "sharp, or paste the text of your QRIS."
)
NO_MERCHANT = _l(
    "This QRIS code has no merchant name or city. Ask your bank or e-wallet for your "
    "shop's QRIS again."
)


class QrisRefused(DomainError):
    """A payload that is not a static QRIS we can take, with the reason for
    the person who gave it."""

    status = UNREADABLE_STATUS


@dataclass(frozen=True)
class Field:
    tag: str
    value: str


@dataclass(frozen=True)
class QrisMerchant:
    """A checked static QRIS: the payload as given and what the group confirms."""

    payload: str
    name: str
    city: str
    nmid: str


def crc(data: str) -> str:
    """CRC-16/CCITT-FALSE (polynomial 0x1021, start 0xFFFF) as 4 upper-case hex digits."""
    return f"{binascii.crc_hqx(data.encode('ascii'), 0xFFFF):04X}"


def parse_tlv(text: str) -> list[Field]:
    """The fields of a TLV string in their order; anything that is not one
    (a tag or length that is not two digits, a value running past the end,
    a tag given twice) raises QrisRefused."""
    fields: list[Field] = []
    seen: set[str] = set()
    at = 0
    while at < len(text):
        head = text[at : at + 4]
        if len(head) < 4 or not (head.isascii() and head.isdigit()):
            raise QrisRefused(NOT_QRIS)
        tag, length = head[:2], int(head[2:])
        value = text[at + 4 : at + 4 + length]
        if len(value) != length or tag in seen:
            raise QrisRefused(NOT_QRIS)
        seen.add(tag)
        fields.append(Field(tag, value))
        at += 4 + length
    return fields


def serialise(fields: list[Field]) -> str:
    return "".join(f"{f.tag}{len(f.value):02d}{f.value}" for f in fields)


def _clean(text: str) -> str:
    """The payload as pasted: without the spaces and line breaks around it."""
    text = (text or "").strip()
    if len(text) > MAX_PAYLOAD:
        raise QrisRefused(TOO_LONG)
    # Printable ASCII only: what EMVCo allows, and no control characters.
    if not text or any(not " " <= ch <= "~" for ch in text):
        raise QrisRefused(NOT_QRIS)
    return text


def _checked_fields(payload: str) -> dict[str, str]:
    """The fields of a QRIS payload whose shape and CRC are right."""
    fields = parse_tlv(payload)
    if len(fields) < 3 or fields[0] != Field("00", "01") or fields[-1].tag != "63":
        raise QrisRefused(NOT_QRIS)
    if len(fields[-1].value) != 4 or payload[-4:] != fields[-1].value:
        raise QrisRefused(NOT_QRIS)
    if crc(payload[:-4]) != fields[-1].value.upper():
        raise QrisRefused(DAMAGED)
    return {f.tag: f.value for f in fields}


def _repository_id(values: dict[str, str]) -> str | None:
    """The NMID of the payload's QRIS merchant account (a template among tags
    26-51 whose globally unique identifier is ID.CO.QRIS.WWW), or None."""
    found = None
    for number in MERCHANT_ACCOUNTS:
        value = values.get(f"{number:02d}")
        if value is None:
            continue
        account = {f.tag: f.value for f in parse_tlv(value)}
        if not account.get("00"):  # every merchant account names its network
            raise QrisRefused(NOT_QRIS)
        if account["00"].upper() == QRIS_REPOSITORY:
            found = account.get("02", "")
    return found


def read_static(text: str) -> QrisMerchant:
    """Check a shop's static QRIS and return what the group confirms.

    Refused, with the reason: anything that is not an EMVCo merchant payload
    (tag 00 "01" first, tag 63 last, every field whole), a wrong CRC, no
    QRIS merchant account (ID.CO.QRIS.WWW among tags 26-51), a payload for
    one payment (tag 01 "12" or an amount in tag 54), a currency other than
    rupiah (53 "360") or a country other than Indonesia (58 "ID"), and one
    without merchant name (59) or city (60).
    """
    payload = _clean(text)
    values = _checked_fields(payload)
    nmid = _repository_id(values)
    if nmid is None or not (values.get("52", "").isdigit() and len(values["52"]) == 4):
        raise QrisRefused(NOT_QRIS)
    if values.get("01") not in (STATIC, DYNAMIC):
        raise QrisRefused(NOT_QRIS)
    if values["01"] == DYNAMIC or "54" in values:
        raise QrisRefused(HAS_AMOUNT)
    if values.get("53") != RUPIAH or values.get("58") != INDONESIA:
        raise QrisRefused(FOREIGN)
    name, city = values.get("59", "").strip(), values.get("60", "").strip()
    if not name or not city:
        raise QrisRefused(NO_MERCHANT)
    return QrisMerchant(payload=payload, name=name, city=city, nmid=nmid)


def read_sticker(photo, *, field: str = "photo") -> QrisMerchant:
    """The static QRIS in a photo of the group's sticker: the first QR code in
    it that is one. A photo with no QR code, or none that is a static QRIS,
    is refused on `field` with the reason (of the first code found)."""
    texts = read_qr_codes(photo, field=field)
    if not texts:
        raise QrisRefused(NO_CODE_IN_PHOTO, field=field)
    refusal: QrisRefused | None = None
    for text in texts:
        try:
            return read_static(text)
        except QrisRefused as refused:
            refusal = refusal or refused
    assert refusal is not None
    refusal.field = field
    raise refusal


def with_amount(payload: str, amount: int) -> str:
    """The static `payload` as a QR for one payment of `amount` rupiah: tag 01
    becomes "12", tag 54 holds the whole amount (inserted where the tags'
    order puts it), tip and fee prompts (55-57) are left out, and tag 63
    gets the CRC of the result. Every other field keeps its place."""
    if not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT:
        raise ValueError(f"a QRIS amount is a whole number of rupiah up to {MAX_AMOUNT}")
    read_static(payload)
    amount_field = Field("54", str(amount))
    fields: list[Field] = []
    for field in parse_tlv(payload):
        if field.tag in ("54", "63", *FEE_TAGS):
            continue
        if field.tag == "01":
            field = Field("01", DYNAMIC)
        # Where the tags' order puts 54: before the first tag above it.
        if amount_field not in fields and field.tag > "54":
            fields.append(amount_field)
        fields.append(field)
    if amount_field not in fields:
        fields.append(amount_field)
    body = serialise(fields) + "6304"
    return body + crc(body)


def static_payload(
    *,
    name: str,
    city: str,
    nmid: str,
    pan: str,
    network: str = "ID.CO.BRI.WWW",
    mcc: str = "5812",
    postal_code: str = "",
) -> str:
    """A static QRIS as a bank prints it on a sticker: the issuer's merchant
    account (26), the national repository's (51, with the NMID), category,
    rupiah, Indonesia, name, city, postal code, terminal label and CRC. For
    the demo and the tests."""
    fields = [
        Field("00", "01"),
        Field("01", STATIC),
        Field("26", serialise([Field("00", network), Field("01", pan), Field("03", "UMI")])),
        Field(
            "51",
            serialise([Field("00", QRIS_REPOSITORY), Field("02", nmid), Field("03", "UMI")]),
        ),
        Field("52", mcc),
        Field("53", RUPIAH),
        Field("58", INDONESIA),
        Field("59", name[:25]),
        Field("60", city[:15]),
    ]
    if postal_code:
        fields.append(Field("61", postal_code))
    fields.append(Field("62", serialise([Field("07", "A01")])))
    body = serialise(fields) + "6304"
    return body + crc(body)
