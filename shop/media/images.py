"""The Pillow pipeline: verify an uploaded photo and re-encode it as WebP variants."""

from __future__ import annotations

import hashlib
import io
import logging
import struct
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

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

NOT_A_PHOTO = _l("This file is not a photo we can read. Use JPEG, PNG, WebP or HEIC.")
EMPTY_FILE = _l("The file is empty. Choose a photo and try again.")
DAMAGED = _l("This photo is damaged or incomplete. Try sending the original photo again.")


def too_large(max_bytes: int):
    return _l("The photo is too large (max %(mb)d MB).", mb=max_bytes // (1024 * 1024))


def too_many_pixels(max_pixels: int):
    return _l("The photo has too many pixels (max %(mp)d megapixels).", mp=max_pixels // 1_000_000)


class ImageRejected(DomainError):
    """The upload is not a photo we accept; `message` tells the person why."""


@dataclass(frozen=True)
class ProcessedImage:
    """A verified photo: its content key, the size of its largest variant, and
    the WebP bytes for every variant width."""

    key: str
    width: int
    height: int
    variants: dict[int, bytes]


def process_image(
    data: bytes, *, max_bytes: int, max_pixels: int, widths: Iterable[int]
) -> ProcessedImage:
    """Verify `data` and re-encode it; raise ImageRejected if it is not a photo we accept.

    The order is the defence: byte size first, then the format is sniffed by
    the accepted openers only, then the pixel count is read from the header and
    checked *before* anything is decoded, so a small file claiming 20000×20000
    never allocates its pixels. Only then is it decoded in full (a truncated
    file fails here, not later while resizing), turned upright, converted to
    sRGB and stripped of every piece of metadata.
    """
    if not data:
        raise ImageRejected(EMPTY_FILE)
    if len(data) > max_bytes:
        raise ImageRejected(too_large(max_bytes))
    wanted = sorted({int(w) for w in widths})
    if not wanted or wanted[0] <= 0:
        raise ValueError("widths must be positive")

    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice its limit. Our own cap
        # below is the real guard (it is far lower), so a filter lost to a
        # concurrent catch_warnings in another thread cannot let a bomb through.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        picture = _open_and_decode(data, max_pixels=max_pixels, largest=wanted[-1])
    picture = _normalised(picture)

    variants = _resized(picture, wanted)
    largest = variants[0]
    key = _content_key(largest)
    encoded = {im.width: _webp(im) for im in variants}
    return ProcessedImage(key=key, width=largest.width, height=largest.height, variants=encoded)


def verify_photo(data: bytes, *, max_bytes: int, max_pixels: int) -> tuple[int, int]:
    """The quick checks an upload must pass before it is stored: size, an
    accepted format, the pixel count from the header; a JPEG (what phones
    send) is also decoded at 1/8 scale, which finds a truncated file in a few
    milliseconds. Returns the upright (width, height). Everything slower
    (full decode, colour, variants) is `process_image`, run by a job.
    """
    if not data:
        raise ImageRejected(EMPTY_FILE)
    if len(data) > max_bytes:
        raise ImageRejected(too_large(max_bytes))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        im = _open_checked(data, max_pixels=max_pixels)
        width, height = im.size
        if im.format == "JPEG":
            im.draft("RGB", (1, 1))
            _decode(im, max_pixels)
    try:
        orientation = im.getexif().get(0x0112)
    except _DECODE_ERRORS + (KeyError, TypeError):
        orientation = None
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return width, height


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
        raise ImageRejected(NOT_A_PHOTO) from None
    except _DECODE_ERRORS as exc:
        log.info("upload rejected while reading the header: %r", exc)
        raise ImageRejected(NOT_A_PHOTO) from None

    if im.width <= 0 or im.height <= 0:
        raise ImageRejected(NOT_A_PHOTO)
    if im.width * im.height > max_pixels:
        raise ImageRejected(too_many_pixels(max_pixels))
    return im


def _open_and_decode(data: bytes, *, max_pixels: int, largest: int) -> Image.Image:
    """Open and check as `_open_checked`, then decode fully."""
    im = _open_checked(data, max_pixels=max_pixels)
    if im.format == "JPEG":
        # Let libjpeg scale by 1/2, 1/4 or 1/8 while decoding. A square box keeps
        # both sides >= the largest width, whatever the EXIF orientation turns out
        # to be, so the variants are the same as without draft, only faster.
        im.draft("RGB", (largest, largest))
    _decode(im, max_pixels)
    return im


def _decode(im: Image.Image, max_pixels: int) -> None:
    """Decode the pixels; a bomb or a damaged file becomes the person's message."""
    try:
        im.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(too_many_pixels(max_pixels)) from None
    except _DECODE_ERRORS as exc:
        log.info("upload rejected while decoding: %r", exc)
        raise ImageRejected(DAMAGED) from None


def _upright(im: Image.Image) -> Image.Image:
    """Apply the EXIF orientation; a photo with broken EXIF is kept as stored
    rather than refused, since its pixels decoded fine."""
    try:
        return ImageOps.exif_transpose(im) or im
    except _DECODE_ERRORS + (KeyError, TypeError) as exc:
        log.info("ignoring unreadable EXIF orientation: %r", exc)
        return im


def _normalised(im: Image.Image) -> Image.Image:
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
    im = _upright(im)
    if im.mode in _SIXTEEN_BIT_GREY:
        im = im.point(lambda v: v / 256).convert("L")

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
