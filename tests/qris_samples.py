"""QRIS samples for the tests: a bank's static sticker payload, an
e-wallet's, and a phone photo of a sticker."""

from __future__ import annotations

import io

import segno
from PIL import Image, ImageFilter

from shop.groups.qris import Field, crc, parse_tlv, serialise, static_payload

# A real-looking sticker: BRI's merchant account (26), the national
# repository's with the NMID (51), restaurants (5812), rupiah, Indonesia.
STICKER = static_payload(
    name="KUE BU SITI JAMBI",
    city="JAMBI",
    nmid="ID1023251234567",
    pan="936000020000012345",
    postal_code="36124",
)
# A shop's QRIS as an e-wallet prints it: its own network first and a tip
# prompt (55 "01").
EWALLET = (
    "00020101021126570011ID.DANA.WWW011893600915302259148102090225914810303UMI"
    "51440014ID.CO.QRIS.WWW0215ID10200211817450303UMI5204581253033605502015802ID"
    "5910Warung Sop6008Semarang61055022262070703A01"
)
EWALLET += "6304" + crc(EWALLET + "6304")


def with_crc(body: str) -> str:
    """`body` (without tag 63) closed with its right CRC."""
    return body + "6304" + crc(body + "6304")


def replaced(payload: str, tag: str, value: str) -> str:
    """The payload with tag `tag` set to `value` and its CRC made right again."""
    kept = [Field(f.tag, value) if f.tag == tag else f for f in parse_tlv(payload)]
    return with_crc(serialise([f for f in kept if f.tag != "63"]))


def without(payload: str, *tags: str) -> str:
    """The payload with `tags` left out and its CRC made right again."""
    kept = [f for f in parse_tlv(payload) if f.tag not in (*tags, "63")]
    return with_crc(serialise(kept))


def sticker_photo(payload: str, *, fmt: str = "JPEG") -> bytes:
    """A phone photo of a sticker: the QR turned a little and blurred, on a
    white card in a larger grey picture."""
    buffer = io.BytesIO()
    segno.make(payload, error="m").save(buffer, kind="png", scale=8, border=4)
    code = Image.open(buffer).convert("L").rotate(6, expand=True, fillcolor=255)
    code = code.filter(ImageFilter.GaussianBlur(1))
    photo = Image.new("RGB", (2400, 1800), (150, 140, 120))
    card = Image.new("RGB", (code.width + 120, code.height + 300), "white")
    card.paste(code.convert("RGB"), (60, 150))
    photo.paste(card, (800, 300))
    out = io.BytesIO()
    photo.save(out, fmt, quality=85)
    return out.getvalue()
