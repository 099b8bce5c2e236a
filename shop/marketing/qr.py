"""QR codes (segno) of a short link: SVG and PNG files, and the inline preview.

Error correction at least M survives print smudges and phone cameras (segno
raises it when that costs no extra size); the quiet zone stays at least two
modules wide, or phones fail to scan.
"""

from __future__ import annotations

import io

import segno
from markupsafe import Markup

ERROR = "m"
FILE_BORDER = 4
INLINE_BORDER = 2
PNG_SCALE = 10  # pixels per module: about 3.5 cm wide at 300 dpi for a shop link
SVG_SCALE = 10


def make(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR, micro=False)


def svg(url: str, title: str) -> bytes:
    buffer = io.BytesIO()
    make(url).save(
        buffer,
        kind="svg",
        scale=SVG_SCALE,
        border=FILE_BORDER,
        dark="#000",
        light="#fff",
        xmldecl=False,
        title=title,
    )
    return buffer.getvalue()


def png(url: str) -> bytes:
    buffer = io.BytesIO()
    make(url).save(
        buffer, kind="png", scale=PNG_SCALE, border=FILE_BORDER, dark="#000", light="#fff"
    )
    return buffer.getvalue()


def inline_svg(url: str, title: str) -> Markup:
    """The QR as inline <svg> markup (attributes only, no style: CSP allows it),
    announced as one image by its <title>; a viewBox, so CSS sets its size."""
    markup = make(url).svg_inline(
        border=INLINE_BORDER, dark="#000", light="#fff", title=title, svgclass="qr", omitsize=True
    )
    return Markup(markup.replace("<svg ", '<svg role="img" ', 1))
