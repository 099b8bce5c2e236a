"""Reading the QR codes in an uploaded photo (a group's QRIS sticker), with zxing-cpp.

The photo gets the checks of every upload (size, format, pixels, memory) and
is read in memory, never stored. A 12 MP phone photo takes about 0.1 s to
decode and read (measured: 2000 x 1500 after the JPEG's 1/2-scale decode),
less than its upload, so the request does it itself instead of a job and the
page can show the merchant at once; the view reads it without SQLite's write
lock.
"""

from __future__ import annotations

import zxingcpp
from flask import current_app
from werkzeug.datastructures import FileStorage

from shop.media.images import ImageRejected, open_upright
from shop.media.services import decoded_budget, read_at_most

# Large enough for a sticker that fills a fifth of the photo's width, small
# enough that a 12 MP JPEG decodes at 1/2 scale (2000 x 1500): about 0.1 s in all.
READ_SIZE = 1000


def read_qr_codes(upload: FileStorage | bytes, *, field: str | None = None) -> list[str]:
    """The texts of the QR codes zxing-cpp finds in the photo, in its order
    (none: an empty list). A file that is not a photo we take raises
    ImageRejected on `field`."""
    config = current_app.config
    data = read_at_most(upload, config["UPLOAD_MAX_BYTES"] + 1)
    try:
        picture = open_upright(
            data,
            max_bytes=config["UPLOAD_MAX_BYTES"],
            max_pixels=config["UPLOAD_MAX_PIXELS"],
            largest=READ_SIZE,
            max_decoded_bytes=decoded_budget(),
        )
    except ImageRejected as rejected:
        rejected.field = field
        raise
    found = zxingcpp.read_barcodes(picture.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    return [result.text for result in found if result.valid and result.text]
