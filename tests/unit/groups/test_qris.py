"""A group's static QRIS: the EMVCo TLV parse, what is refused and why, the
amount QR made from it, and its CRC; the generated QR read back from a PNG
by Debian's zbarimg, and a sticker read from a photo by zxing-cpp."""

from __future__ import annotations

import io
import subprocess

import pytest
from flask_babel import force_locale
from PIL import Image

from shop.groups import qris
from shop.groups.qris import Field, QrisRefused, crc, parse_tlv, read_static, serialise, with_amount
from shop.marketing.qr import png
from shop.media.images import ImageRejected
from tests.qris_samples import EWALLET, STICKER, replaced, sticker_photo, with_crc, without


def fields_of(payload: str) -> dict[str, str]:
    return {f.tag: f.value for f in parse_tlv(payload)}


def refusal(text: str) -> str:
    with pytest.raises(QrisRefused) as refused, force_locale("en"):
        read_static(text)
    with force_locale("en"):
        return str(refused.value.message)


# CRC-16/CCITT-FALSE's check value, and a QRIS printed by a bank.
def test_crc_is_ccitt_false():
    assert crc("123456789") == "29B1"
    assert STICKER.endswith(crc(STICKER[:-4]))
    assert len(STICKER[-4:]) == 4 and STICKER[-4:] == STICKER[-4:].upper()


@pytest.mark.parametrize("payload", [STICKER, EWALLET])
def test_a_static_qris_is_read(app, payload):
    merchant = read_static(f"  {payload}\n")  # as pasted
    assert merchant.payload == payload
    assert (merchant.name, merchant.city) in {
        ("KUE BU SITI JAMBI", "JAMBI"),
        ("Warung Sop", "Semarang"),
    }
    assert merchant.nmid.startswith("ID")


def test_the_fields_come_in_their_order():
    tags = [f.tag for f in parse_tlv(STICKER)]
    assert tags == ["00", "01", "26", "51", "52", "53", "58", "59", "60", "61", "62", "63"]
    account = fields_of(fields_of(STICKER)["51"])
    assert account == {"00": "ID.CO.QRIS.WWW", "02": "ID1023251234567", "03": "UMI"}


def test_a_lower_case_crc_is_accepted(app):
    assert read_static(STICKER[:-4] + STICKER[-4:].lower()).name == "KUE BU SITI JAMBI"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "https://etalase.test/s/ABC",
        STICKER[:-10],  # truncated inside the CRC's field
        STICKER[:40],  # truncated inside the merchant account
        "0002010102116304",  # a value running past the end
        "00020101021152XX5812" + STICKER[20:],  # a length that is not digits
        "0099" + STICKER[4:],  # a length lying: longer than what follows
        "0002020102116304" + crc("0002020102116304"),  # tag 00 is not "01"
        "01021100020163040000",  # tag 00 not first
        with_crc("000201010211"),  # no merchant account at all
        without(STICKER, "51"),  # a merchant account, but not QRIS's
        without(STICKER, "52"),  # no merchant category
        replaced(STICKER, "52", "58A2"),  # a category that is not digits
        replaced(STICKER, "01", "13"),  # an unknown point of initiation
        without(STICKER, "01"),
        STICKER[:-8] + "6305" + STICKER[-4:] + "0",  # a CRC field of 5
        STICKER + "0000",  # something after tag 63
        STICKER.replace("0303UMI", "0303UM\x00", 1),  # a control character
        "０００２０１" + STICKER[6:],  # full-width digits
        with_crc(STICKER[:-8] + "62070703A02"),  # tag 62 given twice
        replaced(STICKER, "26", "0118936000020000012345"),  # an account with no network id
    ],
)
def test_what_is_not_a_qris_is_refused(app, text):
    message = refusal(text)
    assert message.startswith(("This is not a QRIS code.", "This text is too long"))


def test_a_wrong_crc_says_the_code_is_damaged(app):
    body = STICKER[:-4]
    wrong = f"{(int(STICKER[-4:], 16) + 1) % 0x10000:04X}"
    assert "damaged or incomplete" in refusal(body + wrong)
    # One character changed in the name: the CRC no longer matches.
    assert "damaged or incomplete" in refusal(STICKER.replace("SITI", "SITU"))


def test_a_qris_for_one_payment_is_refused(app):
    assert "for one payment" in refusal(with_amount(STICKER, 25000))
    assert "for one payment" in refusal(replaced(STICKER, "01", "12"))
    static_with_amount = with_crc(
        serialise([f for f in parse_tlv(STICKER) if f.tag != "63"] + [Field("54", "1000")])
    )
    assert "for one payment" in refusal(static_with_amount)


@pytest.mark.parametrize(
    ("tag", "value"), [("53", "840"), ("53", "458"), ("58", "MY"), ("58", "SG")]
)
def test_a_foreign_qris_is_refused(app, tag, value):
    assert "not for payments in rupiah in Indonesia" in refusal(replaced(STICKER, tag, value))


@pytest.mark.parametrize("tag", ["59", "60"])
def test_a_qris_without_merchant_name_or_city_is_refused(app, tag):
    assert "no merchant name or city" in refusal(without(STICKER, tag))
    assert "no merchant name or city" in refusal(replaced(STICKER, tag, "   "))


def test_huge_input_is_refused_before_it_is_parsed(app):
    assert refusal(STICKER + "9" * 5_000_000).startswith("This text is too long")
    assert refusal("00" * 300).startswith("This text is too long")


def test_the_refusals_are_in_indonesian_too(app):
    with force_locale("id"), pytest.raises(QrisRefused) as refused:
        read_static(replaced(STICKER, "53", "840"))
    with force_locale("id"):
        message = str(refused.value.message)
    assert "rupiah" in message
    assert "Indonesia" in message
    assert "not for payments" not in message


def test_the_amount_qr_sets_01_and_54_and_its_crc(app):
    payload = with_amount(STICKER, 150_123)
    tags = [f.tag for f in parse_tlv(payload)]
    assert tags == ["00", "01", "26", "51", "52", "53", "54", "58", "59", "60", "61", "62", "63"]
    values = fields_of(payload)
    assert values["01"] == "12"
    assert values["54"] == "150123"
    assert values["63"] == crc(payload[:-4])
    # Everything else is the sticker's, as it was.
    sticker = fields_of(STICKER)
    assert {k: v for k, v in values.items() if k not in ("01", "54", "63")} == {
        k: v for k, v in sticker.items() if k not in ("01", "63")
    }


def test_the_amount_goes_where_the_issuer_order_puts_it_and_fees_are_dropped(app):
    payload = with_amount(EWALLET, 25_000)
    tags = [f.tag for f in parse_tlv(payload)]
    # 55 (tip prompt) would let the app ask for more than the order's amount.
    assert tags == ["00", "01", "26", "51", "52", "53", "54", "58", "59", "60", "61", "62", "63"]
    assert fields_of(payload)["54"] == "25000"
    assert crc(payload[:-4]) == payload[-4:]


@pytest.mark.parametrize("amount", [0, -5, 10**13, 2.5, "1000"])
def test_an_amount_is_a_whole_positive_number_of_rupiah(app, amount):
    with pytest.raises(ValueError):
        with_amount(STICKER, amount)


def test_the_amount_qr_is_made_only_from_a_good_static_qris(app):
    with pytest.raises(QrisRefused):
        with_amount(STICKER[:-1] + "0", 1000)


def zbar(png_bytes: bytes) -> str:
    done = subprocess.run(
        ["zbarimg", "--raw", "-q", "-"],
        input=png_bytes,
        capture_output=True,
        check=True,
        timeout=30,
    )
    return done.stdout.decode("utf-8").rstrip("\n")


def test_zbarimg_reads_the_amount_qr_with_its_fields_and_crc(app):
    payload = with_amount(STICKER, 175_250)
    read = zbar(png(payload))
    assert read == payload
    values = fields_of(read)
    assert values["01"] == "12"
    assert values["54"] == "175250"
    assert values["53"] == "360" and values["58"] == "ID"
    assert values["59"] == "KUE BU SITI JAMBI"
    assert values["63"] == crc(read[:-4])
    # and it is still a QRIS of the same merchant (only its amount is new)
    assert fields_of(values["51"])["02"] == "ID1023251234567"


def test_a_sticker_is_read_from_a_photo(app):
    with app.test_request_context():
        merchant = qris.read_sticker(sticker_photo(STICKER))
    assert merchant.payload == STICKER
    assert merchant.name == "KUE BU SITI JAMBI"


def test_a_photo_without_a_qris_is_refused_with_the_reason(app):
    blank = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(blank, "PNG")
    with app.test_request_context(), force_locale("en"):
        with pytest.raises(QrisRefused) as none:
            qris.read_sticker(blank.getvalue())
        assert "could not find a QR code" in str(none.value.message)
        assert none.value.field == "photo"
        with pytest.raises(QrisRefused) as link:
            qris.read_sticker(sticker_photo("https://etalase.test/s/ABC"))
        assert str(link.value.message).startswith("This is not a QRIS code.")
        with pytest.raises(ImageRejected):
            qris.read_sticker(b"%PDF-1.4 not a photo")
