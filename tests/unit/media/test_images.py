"""The Pillow pipeline: what is accepted, what is refused, and what comes out."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pillow_heif
import pytest
from flask_babel import force_locale
from PIL import ExifTags, Image, JpegImagePlugin

from shop.media.images import ImageRejected, process_image

pillow_heif.register_heif_opener()

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "images"
LIMITS = {"max_bytes": 12 * 1024 * 1024, "max_pixels": 40_000_000, "widths": (320, 640, 1280)}
METADATA_FREE_CHUNKS = {"VP8 ", "VP8L", "VP8X", "ALPH"}

NOT_A_PHOTO = "This file is not a photo we can read. Use JPEG, PNG, WebP or HEIC."
DAMAGED = "This photo is damaged or incomplete. Try sending the original photo again."
TOO_MANY_PIXELS = "The photo has too many pixels (max 40 megapixels)."


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def english(message) -> str:
    with force_locale("en"):
        return str(message)


def process(data: bytes, **overrides):
    return process_image(data, **{**LIMITS, **overrides})


def decoded(webp: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(webp))
    assert im.format == "WEBP"
    im.load()
    return im


def webp_chunks(webp: bytes) -> list[str]:
    """The RIFF chunk names of a WebP file (EXIF, ICCP and XMP would carry metadata)."""
    assert webp[:4] == b"RIFF" and webp[8:12] == b"WEBP"
    chunks, pos = [], 12
    while pos + 8 <= len(webp):
        size = int.from_bytes(webp[pos + 4 : pos + 8], "little")
        chunks.append(webp[pos : pos + 4].decode("latin-1"))
        pos += 8 + size + (size & 1)
    return chunks


def jpeg(size: tuple[int, int], exif: Image.Exif | None = None, color=(90, 140, 200)) -> bytes:
    im = Image.linear_gradient("L").resize(size).convert("RGB")
    im.paste(color, (0, 0, size[0] // 3, size[1] // 3))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85, exif=exif or Image.Exif())
    return buf.getvalue()


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "S",
        ExifTags.GPS.GPSLatitude: (1.0, 36.0, 0.0),
    }
    return exif


def test_phone_photo_is_turned_upright_and_loses_its_exif_and_gps():
    with Image.open(FIXTURES / "exif_gps_rotated.jpg") as source:
        assert source.size == (80, 60) and source.getexif().get_ifd(ExifTags.IFD.GPSInfo)

    result = process(fixture("exif_gps_rotated.jpg"))

    assert (result.width, result.height) == (60, 80)
    webp = result.variants[60]
    assert set(webp_chunks(webp)) <= METADATA_FREE_CHUNKS
    out = decoded(webp)
    assert out.size == (60, 80)
    assert not out.getexif() and "exif" not in out.info and "icc_profile" not in out.info
    # The red block stored top-left is top-right once rotated 90° clockwise.
    red, green, blue = out.getpixel((55, 3))
    assert red > 200 and green < 60 and blue < 60
    assert out.getpixel((3, 3))[0] < 160


def test_heic_from_an_iphone_is_decoded_and_stripped():
    result = process(fixture("phone.heic"))

    assert (result.width, result.height) == (64, 48)
    out = decoded(result.variants[64])
    assert set(webp_chunks(result.variants[64])) <= METADATA_FREE_CHUNKS
    assert not out.getexif()


def test_embedded_icc_profile_is_applied_then_dropped():
    result = process(fixture("icc_profile.jpg"))

    webp = result.variants[48]
    assert "ICCP" not in webp_chunks(webp)
    assert decoded(webp).getpixel((2, 2))[0] > 200  # still red: sRGB in, sRGB out


def test_transparency_is_kept_as_rgba():
    out = decoded(process(fixture("transparent.png")).variants[40])

    assert out.mode == "RGBA"
    assert out.getpixel((5, 5))[3] == 255
    assert out.getpixel((35, 5))[3] == 0


def test_palette_png_with_transparent_index_is_flattened_to_rgba():
    out = decoded(process(fixture("palette_transparent.png")).variants[40])

    assert out.mode == "RGBA"
    assert out.getpixel((5, 5))[3] == 0
    red, green, blue, alpha = out.getpixel((35, 5))
    assert alpha == 255 and blue > 200 and red < 40


def test_png_with_an_opaque_alpha_channel_becomes_rgb():
    buf = io.BytesIO()
    Image.new("RGBA", (30, 20), (10, 120, 10, 255)).save(buf, "PNG")

    assert decoded(process(buf.getvalue()).variants[30]).mode == "RGB"


def test_sixteen_bit_grey_png_keeps_its_tones():
    grey = Image.new("I;16", (20, 10), 32768)
    buf = io.BytesIO()
    grey.save(buf, "PNG")

    red, green, blue = decoded(process(buf.getvalue()).variants[20]).getpixel((10, 5))
    assert 110 < red < 145 and red == green == blue


def test_tiny_webp_is_kept_at_its_own_width():
    result = process(fixture("tiny.webp"))

    assert list(result.variants) == [16]
    assert decoded(result.variants[16]).size == (16, 12)


def test_variants_at_each_configured_width_up_to_the_photo_width_and_its_own():
    result = process(jpeg((700, 350)))

    assert sorted(result.variants) == [320, 640, 700]
    assert (result.width, result.height) == (700, 350)
    assert decoded(result.variants[320]).size == (320, 160)


def test_large_rotated_jpeg_is_drafted_and_gives_all_variants(monkeypatch):
    drafts = []
    real_draft = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        drafts.append(size)
        return real_draft(self, mode, size)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)

    result = process(jpeg((3200, 2600), exif=gps_exif(orientation=6)))

    assert drafts == [(1280, 1280)]
    assert sorted(result.variants) == [320, 640, 1280]
    assert (result.width, result.height) == (1280, 1575)
    for width, webp in result.variants.items():
        out = decoded(webp)
        assert out.width == width and out.height == round(width * 3200 / 2600)
        assert set(webp_chunks(webp)) <= METADATA_FREE_CHUNKS


def with_exif_segment(jpeg_bytes: bytes, exif: Image.Exif) -> bytes:
    """The same JPEG with an EXIF (APP1) segment spliced in: metadata differs,
    the compressed pixels are untouched (as when a phone app adds or strips GPS)."""
    payload = exif.tobytes()
    segment = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
    return jpeg_bytes[:2] + segment + jpeg_bytes[2:]


def test_same_photo_gives_the_same_key_with_or_without_metadata():
    plain = jpeg((400, 300))
    with_gps = with_exif_segment(plain, gps_exif())
    with Image.open(io.BytesIO(with_gps)) as check:
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)

    key = process(plain).key
    assert len(key) == 64 and int(key, 16) >= 0
    assert process(plain).key == key
    assert process(with_gps).key == key
    assert process(jpeg((400, 300), color=(200, 40, 40))).key != key


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("palette.gif", NOT_A_PHOTO),
        ("not_an_image.jpg", NOT_A_PHOTO),
        ("svg_script.svg", NOT_A_PHOTO),
        ("truncated.jpg", DAMAGED),
        # Their pixel data is a single row: decoding first would say "damaged".
        ("huge_dimensions.png", TOO_MANY_PIXELS),
        ("over_cap_dimensions.png", TOO_MANY_PIXELS),
    ],
)
def test_unacceptable_files_are_refused_with_a_clear_message(name, message):
    with pytest.raises(ImageRejected) as rejected:
        process(fixture(name))

    assert english(rejected.value.message) == message


def test_pillow_bomb_warning_is_an_error_even_when_warnings_are_ignored():
    # 100 MP: Pillow only warns here; with our cap raised above it, the warning
    # itself must stop the upload (else the one-row file would be "damaged").
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ImageRejected) as rejected:
            process(fixture("bomb_warning_dimensions.png"), max_pixels=500_000_000)

    assert english(rejected.value.message) == (
        "The photo has too many pixels (max 500 megapixels)."
    )


def test_empty_and_oversized_files_are_refused_before_opening():
    with pytest.raises(ImageRejected) as empty:
        process(b"")
    with pytest.raises(ImageRejected) as large:
        process(b"\xff\xd8" + b"\0" * (12 * 1024 * 1024))

    assert english(empty.value.message) == "The file is empty. Choose a photo and try again."
    assert english(large.value.message) == "The photo is too large (max 12 MB)."
