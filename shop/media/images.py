"""The Pillow pipeline: verify an uploaded photo and re-encode it as WebP variants."""

from __future__ import annotations

import hashlib
import io
import logging
import struct
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, UnidentifiedImageError

from shop.errors import DomainError

log = logging.getLogger(__name__)

# Pillow opens only these; GIF, TIFF, BMP, SVG, PSD… never reach a decoder.
# "HEIF" exists once the app factory has called pillow_heif.register_heif_opener().
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
WEBP_QUALITY = 80
# Bumping this changes every key computed from now on (old rows keep theirs).
KEY_VERSION = b"etalase-image-v1"

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_SIXTEEN_BIT_GREY = ("I", "I;16", "I;16B", "I;16L", "I;16N")
# What Pillow and its plugins raise on hostile or broken input varies by
# decoder (libjpeg, zlib, libwebp, libheif); each means "we cannot read it".
_DECODE_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    struct.error,
    RuntimeError,
    IndexError,
)

# HTTP statuses of a refused upload (the form is shown again with the reason).
TOO_LARGE_STATUS = 413
UNSUPPORTED_STATUS = 415
UNREADABLE_STATUS = 422

NOT_A_PHOTO = _l("This file is not a photo we can read. Use JPEG, PNG, WebP or HEIC.")
EMPTY_FILE = _l("The file is empty. Choose a photo and try again.")
DAMAGED = _l("This photo is damaged or incomplete. Try sending the original photo again.")


def refused_file(name: str, reason) -> str:
    """A refusal that names the file, so the person knows which of the photos
    chosen together to leave out."""
    return _("“%(name)s”: %(reason)s", name=name, reason=reason)


def too_large(max_bytes: int):
    return _l("The photo is too large (max %(mb)d MB).", mb=max_bytes // (1024 * 1024))


def too_many_pixels(max_pixels: int):
    return _l("The photo has too many pixels (max %(mp)d megapixels).", mp=max_pixels // 1_000_000)


def too_much_memory():
    return _l(
        "This photo would need too much memory to prepare. Send it smaller "
        "(for example as a JPEG from your phone's camera, or resized to under 20 megapixels)."
    )


class ImageRejected(DomainError):
    """The upload is not a photo we accept; `message` tells the person why and
    `status` is the HTTP status of the refusal (413, 415 or 422)."""

    def __init__(self, message, field: str | None = None, *, status: int = UNREADABLE_STATUS):
        super().__init__(message, field)
        self.status = status


@dataclass(frozen=True)
class ProcessedImage:
    """A verified photo: its content key, the size of its largest variant, and
    the WebP bytes for every variant width."""

    key: str
    width: int
    height: int
    variants: dict[int, bytes]


def process_image(
    data: bytes,
    *,
    max_bytes: int,
    max_pixels: int,
    widths: Iterable[int],
    max_decoded_bytes: int | None = None,
) -> ProcessedImage:
    """Verify `data` and re-encode it; raise ImageRejected if it is not a photo we accept.

    The order is the defence: byte size first, then the format is sniffed by
    the accepted openers only, then the pixel count is read from the header and
    checked *before* anything is decoded, so a small file claiming 20000×20000
    never allocates its pixels, and so is the memory decoding and preparing
    it would take (`max_decoded_bytes`, see `decoded_bytes`). Only then is it
    decoded (a JPEG at the smallest scale that still covers the largest
    width; a truncated file fails here, not later while resizing), shrunk at
    once to about the largest width, turned upright, converted to sRGB and
    stripped of every piece of metadata.
    """
    _check_bytes(data, max_bytes)
    wanted = sorted({int(w) for w in widths})
    if not wanted or wanted[0] <= 0:
        raise ValueError("widths must be positive")

    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice its limit. Our own cap
        # below is the real guard (it is far lower), so a filter lost to a
        # concurrent catch_warnings in another thread cannot let a bomb through.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        picture, orientation = _open_and_decode(
            data, max_pixels=max_pixels, largest=wanted[-1], max_decoded_bytes=max_decoded_bytes
        )
    picture = _normalised(picture, orientation)

    variants = _resized(picture, wanted)
    largest = variants[0]
    key = _content_key(largest)
    encoded = {im.width: _webp(im) for im in variants}
    return ProcessedImage(key=key, width=largest.width, height=largest.height, variants=encoded)


def verify_photo(
    data: bytes,
    *,
    max_bytes: int,
    max_pixels: int,
    largest: int | None = None,
    max_decoded_bytes: int | None = None,
) -> tuple[int, int]:
    """The quick checks an upload must pass before it is stored: size, an
    accepted format, the pixel count from the header, the memory making its
    variants up to `largest` px would take; a JPEG (what phones send) is also
    decoded at 1/8 scale, which finds a truncated file in a few milliseconds.
    Returns the upright (width, height). Everything slower (full decode,
    colour, variants) is `process_image`, run by a job.
    """
    _check_bytes(data, max_bytes)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        im = _open_checked(data, max_pixels=max_pixels)
        width, height = im.size
        if max_decoded_bytes is not None and largest:
            _check_budget(im, largest, max_decoded_bytes)
        if im.format == "JPEG":
            im.draft("RGB", (1, 1))
            _decode(im, max_pixels)
    if _orientation(im) in (5, 6, 7, 8):
        width, height = height, width
    return width, height


def open_upright(
    data: bytes,
    *,
    max_bytes: int,
    max_pixels: int,
    largest: int,
    max_decoded_bytes: int | None = None,
) -> Image.Image:
    """A photo checked as `process_image` checks it, decoded, shrunk to about
    `largest` px (never below) and turned upright: for reading what it shows
    (a QR code), never stored. Raises ImageRejected as the others do."""
    _check_bytes(data, max_bytes)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        picture, orientation = _open_and_decode(
            data, max_pixels=max_pixels, largest=largest, max_decoded_bytes=max_decoded_bytes
        )
    return _upright(picture, orientation)


def _check_bytes(data: bytes, max_bytes: int) -> None:
    if not data:
        raise ImageRejected(EMPTY_FILE)
    if len(data) > max_bytes:
        raise ImageRejected(too_large(max_bytes), status=TOO_LARGE_STATUS)


# Modes Image.reduce() cannot shrink: converted at full size first.
_CONVERTED_BEFORE_SHRINKING = ("1", "P", *_SIXTEEN_BIT_GREY)


def _bytes_per_pixel(mode: str) -> int:
    """What Pillow keeps in memory per pixel: one byte for 1, L and P, two for
    16-bit grey, four for everything else (RGB is stored as four bytes too)."""
    if mode in ("1", "L", "P"):
        return 1
    if mode.startswith("I;16"):
        return 2
    return 4


def _jpeg_scale(im: Image.Image, largest: int) -> int:
    """The 1/1, 1/2, 1/4 or 1/8 scale `im.draft("RGB", (largest, largest))`
    will make libjpeg decode at (the rule of Pillow's JpegImageFile.draft)."""
    if im.format != "JPEG" or len(im.tile) != 1:
        return 1
    fits = min(im.width // largest, im.height // largest)
    return next((s for s in (8, 4, 2) if fits >= s), 1)


def decoded_bytes(im: Image.Image, largest: int) -> int:
    """Peak pixel memory of preparing the variants of an opened, not yet
    decoded image whose largest variant is `largest` px wide.

    The pipeline holds the decoded bitmap (a JPEG decoded at its draft
    scale), a full-size converted copy for the modes Image.reduce() cannot
    shrink (palette, 1-bit, 16-bit grey), and the copy shrunk to about twice
    the largest width, which every later step works on.
    """
    scale = _jpeg_scale(im, largest)
    width, height = -(-im.width // scale), -(-im.height // scale)
    pixels = width * height
    total = pixels * _bytes_per_pixel(im.mode)
    if im.mode in _CONVERTED_BEFORE_SHRINKING:
        total += pixels * 4
    factor = max(1, min(width // largest, height // largest))
    return total + (-(-width // factor)) * (-(-height // factor)) * 4


def _check_budget(im: Image.Image, largest: int, max_decoded_bytes: int) -> None:
    needed = decoded_bytes(im, largest)
    if needed > max_decoded_bytes:
        log.info("upload refused: %s %s needs %d bytes decoded", im.format, im.size, needed)
        raise ImageRejected(too_much_memory())


def _open_checked(data: bytes, *, max_pixels: int) -> Image.Image:
    """Open with the accepted formats only and check the header's pixel count."""
    Image.init()  # loads Pillow's plugins once; then a cheap no-op
    # Pillow raises KeyError for a named format nobody registered (HEIF without
    # the factory's register_heif_opener()); such a file is then just unreadable.
    openable = [name for name in ACCEPTED_FORMATS if name in Image.OPEN]
    try:
        im = Image.open(io.BytesIO(data), formats=openable)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(too_many_pixels(max_pixels)) from None
    except UnidentifiedImageError:
        raise ImageRejected(NOT_A_PHOTO, status=UNSUPPORTED_STATUS) from None
    except _DECODE_ERRORS as exc:
        log.info("upload rejected while reading the header: %r", exc)
        raise ImageRejected(NOT_A_PHOTO, status=UNSUPPORTED_STATUS) from None

    if im.width <= 0 or im.height <= 0:
        raise ImageRejected(NOT_A_PHOTO, status=UNSUPPORTED_STATUS)
    if im.width * im.height > max_pixels:
        raise ImageRejected(too_many_pixels(max_pixels))
    return im


def _open_and_decode(
    data: bytes, *, max_pixels: int, largest: int, max_decoded_bytes: int | None
) -> tuple[Image.Image, int | None]:
    """Open and check as `_open_checked` (and against the memory budget),
    decode, and shrink to about the largest width at once, so every later
    step works on a small copy. Returns the picture and its EXIF orientation."""
    im = _open_checked(data, max_pixels=max_pixels)
    if max_decoded_bytes is not None:
        _check_budget(im, largest, max_decoded_bytes)
    if im.format == "JPEG":
        # Let libjpeg scale by 1/2, 1/4 or 1/8 while decoding. A square box keeps
        # both sides >= the largest width, whatever the EXIF orientation turns out
        # to be, so the variants are the same as without draft, only faster.
        im.draft("RGB", (largest, largest))
    _decode(im, max_pixels)
    orientation = _orientation(im)
    return _shrunk(im, largest), orientation


def _orientation(im: Image.Image) -> int | None:
    try:
        return im.getexif().get(0x0112)
    except _DECODE_ERRORS + (KeyError, TypeError):
        return None


def _shrunk(im: Image.Image, largest: int) -> Image.Image:
    """The decoded picture reduced by a whole factor (box averaging) while
    both sides stay >= `largest`, keeping its info (ICC profile, transparency).
    A mode reduce() cannot take is converted first (counted in the budget)."""
    factor = min(im.width // largest, im.height // largest)
    if factor < 2:
        return im
    info = dict(im.info)
    if im.mode in _SIXTEEN_BIT_GREY:
        im = _eight_bit_grey(im)
    elif im.mode == "1":
        im = im.convert("L")
    elif im.mode == "P":
        im = im.convert("RGBA" if "transparency" in info else "RGB")
    small = im.reduce(factor)
    small.info = info
    return small


def _eight_bit_grey(im: Image.Image) -> Image.Image:
    return im.point(lambda v: v / 256).convert("L")


def _decode(im: Image.Image, max_pixels: int) -> None:
    """Decode the pixels; a bomb or a damaged file becomes the person's message."""
    try:
        im.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(too_many_pixels(max_pixels)) from None
    except _DECODE_ERRORS as exc:
        log.info("upload rejected while decoding: %r", exc)
        raise ImageRejected(DAMAGED) from None


# EXIF orientation → the transposition that turns the picture upright.
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _upright(im: Image.Image, orientation: int | None) -> Image.Image:
    """Apply the EXIF orientation read before shrinking (the table of
    ImageOps.exif_transpose); a missing or unknown value, or broken EXIF,
    leaves the photo as stored rather than refused: its pixels decoded fine."""
    method = _TRANSPOSE.get(orientation) if isinstance(orientation, int) else None
    return im.transpose(method) if method is not None else im


def _normalised(im: Image.Image, orientation: int | None = None) -> Image.Image:
    """Upright, sRGB, 8-bit RGB or RGBA, and with no metadata at all.

    Colour: an embedded ICC profile (iPhones tag photos Display P3) is applied
    by converting the pixels to sRGB, then dropped; the WebP carries no profile,
    which browsers read as sRGB. Dropping the profile without converting would
    wash out wide-gamut photos. A broken profile is ignored.

    Alpha: kept only when some pixel is actually see-through, so a PNG saved
    with an opaque alpha channel becomes a smaller RGB WebP. Palette images
    (with a tRNS entry) expand to RGBA through Pillow's own conversion.
    """
    icc = im.info.get("icc_profile")
    im = _upright(im, orientation)
    if im.mode in _SIXTEEN_BIT_GREY:
        im = _eight_bit_grey(im)

    has_alpha = "A" in im.getbands() or "transparency" in im.info
    target = "RGBA" if has_alpha else "RGB"
    if icc and im.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            im = ImageCms.profileToProfile(im, source, _SRGB, outputMode=target)
        except (ImageCms.PyCMSError, OSError, ValueError) as exc:
            log.info("ignoring unusable ICC profile: %r", exc)
    im = im.convert(target)
    if target == "RGBA" and im.getchannel("A").getextrema() == (255, 255):
        im = im.convert("RGB")
    # Nothing from the upload (EXIF, GPS, XMP, ICC, comments) survives this line.
    im.info = {}
    return im


def _resized(im: Image.Image, widths: list[int]) -> list[Image.Image]:
    """Variants at each configured width not wider than the photo, largest first.

    A photo between two configured widths also keeps its own width (a 1200 px
    photo is served at 1200, not cut down to 640), and one narrower than the
    smallest width is kept as it is, so there is always one variant. Each
    smaller variant is made from the next larger one (halving steps look the
    same with LANCZOS and cost far less).
    """
    fitting = [w for w in widths if w <= im.width]
    if im.width < max(widths) and im.width not in fitting:
        fitting.append(im.width)
    variants: list[Image.Image] = []
    source = im
    for width in sorted(fitting, reverse=True):
        if width == source.width:
            variant = source
        else:
            height = max(1, round(source.height * width / source.width))
            variant = source.resize((width, height), Image.Resampling.LANCZOS)
        variants.append(variant)
        source = variant
    return variants


def _content_key(largest: Image.Image) -> str:
    """sha256 of the largest variant's pixels (with mode and size), before encoding.

    Pixels, not the WebP bytes: the key must not change when libwebp is
    upgraded, or a re-upload after the upgrade would no longer find its stored
    row. Pixels after normalising also ignore metadata, so the same photo sent
    once with GPS and once without (as WhatsApp does) gives the same key. The
    largest variant is at most the largest configured width, so hashing is cheap.
    """
    digest = hashlib.sha256(KEY_VERSION)
    digest.update(f" {largest.mode} {largest.width}x{largest.height}\n".encode())
    digest.update(largest.tobytes())
    return digest.hexdigest()


def _webp(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    # No exif=/icc_profile=/xmp= arguments: Pillow's WebP writer adds none.
    im.save(buf, "WEBP", quality=WEBP_QUALITY, method=4)
    return buf.getvalue()
