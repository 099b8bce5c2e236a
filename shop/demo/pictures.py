"""Product photos, group logos and cover banners for the demo, drawn with Pillow.

Nothing is downloaded and no font is needed beyond Pillow's own scalable default.
A product shot is a soft gradient backdrop with a table edge, a blurred shadow and
a package whose shape follows the packaging type (standing pouch with a zip, clear
bag with a stapled paper header, jar, bottle, box, tin, paper parcel) or, for
crafts, the thing itself (woven purun, knitting, folded batik). The package
carries a label with the product and group names. Every picture is seeded by its
text, so runs give identical bytes. Shapes are drawn at twice the size and halved,
which smooths the edges ImageDraw would leave jagged.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFilter, ImageFont

PHOTO_SIZE = (1200, 1200)
LOGO_SIZE = (600, 600)
COVER_SIZE = (1600, 600)
JPEG_QUALITY = 85
SCALE = 2

RGB = tuple[int, int, int]
Box = tuple[float, float, float, float]

# (backdrop top, backdrop bottom, table, accent) — soft studio colours.
PALETTES: tuple[tuple[RGB, RGB, RGB, RGB], ...] = (
    ((250, 240, 228), (236, 214, 190), (196, 160, 122), (186, 64, 46)),
    ((232, 243, 236), (203, 226, 212), (150, 120, 92), (34, 120, 84)),
    ((244, 236, 248), (222, 206, 232), (170, 140, 120), (120, 62, 140)),
    ((236, 242, 250), (204, 220, 238), (140, 118, 100), (30, 92, 160)),
    ((252, 244, 222), (240, 222, 176), (176, 130, 86), (214, 120, 20)),
    ((246, 232, 232), (232, 204, 204), (160, 116, 100), (176, 40, 72)),
)

# What shows through a window or sits on the plate, by a word in the product name.
CONTENT_COLOURS: tuple[tuple[str, RGB], ...] = (
    ("abon", (150, 92, 48)),
    ("dendeng", (110, 50, 30)),
    ("pecel", (150, 70, 30)),
    ("sambal", (168, 40, 28)),
    ("kerupuk", (240, 222, 170)),
    ("keripik", (226, 176, 62)),
    ("stik", (214, 160, 70)),
    ("nastar", (232, 170, 60)),
    ("cokelat", (96, 56, 36)),
    ("kue", (214, 150, 70)),
    ("dodol", (90, 52, 30)),
    ("lempok", (160, 110, 40)),
    ("jahe", (200, 150, 80)),
    ("nugget", (214, 150, 70)),
    ("nasi", (244, 240, 228)),
    ("getuk", (200, 170, 120)),
)
DEFAULT_CONTENT: RGB = (210, 160, 96)
PAPER: RGB = (252, 248, 240)
INK: RGB = (50, 40, 30)


@dataclass(frozen=True)
class Shot:
    """What one product photo shows. `view` 0 is the package, 1 the contents."""

    title: str
    maker: str
    packaging: str | None
    category: str
    detail: str = ""
    view: int = 0


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _shade(colour: RGB, amount: float) -> RGB:
    """Darker for a negative amount, lighter for a positive one (-1 … 1)."""
    return _mix(colour, (255, 255, 255) if amount > 0 else (0, 0, 0), abs(amount))


def _ink_for(background: RGB) -> RGB:
    luma = 0.299 * background[0] + 0.587 * background[1] + 0.114 * background[2]
    return (40, 30, 24) if luma > 150 else (255, 255, 255)


def _content_colour(title: str) -> RGB:
    lowered = title.lower()
    for word, colour in CONTENT_COLOURS:
        if word in lowered:
            return colour
    return DEFAULT_CONTENT


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


class Canvas:
    """An RGB image addressed in percent of its width and height, drawn at SCALE."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.w, self.h = size[0] * SCALE, size[1] * SCALE
        self.image = Image.new("RGB", (self.w, self.h))
        self.draw = ImageDraw.Draw(self.image, "RGBA")

    def x(self, percent: float) -> int:
        return round(self.w * percent / 100)

    def y(self, percent: float) -> int:
        return round(self.h * percent / 100)

    def box(self, box: Box) -> tuple[int, int, int, int]:
        return (self.x(box[0]), self.y(box[1]), self.x(box[2]), self.y(box[3]))

    def points(self, *points: tuple[float, float]) -> list[tuple[int, int]]:
        return [(self.x(px), self.y(py)) for px, py in points]

    def unit(self, percent_of_width: float) -> int:
        return max(1, round(self.w * percent_of_width / 100))

    def backdrop(self, *bands: tuple[float, RGB, RGB]) -> None:
        """Vertical gradients stacked top to bottom, each (height in percent, top
        colour, bottom colour): blended in one column, then stretched sideways."""
        column = Image.new("RGB", (1, self.h))
        y = 0
        for index, (height, top, bottom) in enumerate(bands):
            size = self.h - y if index == len(bands) - 1 else self.y(height)
            mask = Image.linear_gradient("L").resize((1, size))
            band = Image.composite(
                Image.new("RGB", mask.size, bottom), Image.new("RGB", mask.size, top), mask
            )
            column.paste(band, (0, y))
            y += size
        self.image = column.resize((self.w, self.h), Image.Resampling.NEAREST)
        self.draw = ImageDraw.Draw(self.image, "RGBA")

    def shadow(self, box: Box, strength: int = 110) -> None:
        """A soft elliptic shadow, blurred small and only where it falls."""
        x0, y0, x1, y1 = self.box(box)
        margin = (x1 - x0) // 4
        region = (x0 - margin, y0 - margin, x1 + margin, y1 + margin)
        size = ((region[2] - region[0]) // 16, (region[3] - region[1]) // 16)
        mask = Image.new("L", size, 0)
        ImageDraw.Draw(mask).ellipse(
            (margin // 16, margin // 16, size[0] - margin // 16, size[1] - margin // 16),
            fill=strength,
        )
        mask = mask.filter(ImageFilter.GaussianBlur(3)).resize(
            (region[2] - region[0], region[3] - region[1]), Image.Resampling.BILINEAR
        )
        self.image.paste((30, 20, 10), region, mask)

    def fill_shape(
        self,
        region: Box,
        pattern: Callable[[tuple[int, int]], Image.Image],
        shape: Callable[[ImageDraw.ImageDraw], object],
    ) -> None:
        """Paint `pattern` (made at the size of `region`) inside the drawn `shape`."""
        x0, y0, x1, y1 = self.box(region)
        mask = Image.new("L", (self.w, self.h), 0)
        shape(ImageDraw.Draw(mask))
        self.image.paste(pattern((x1 - x0, y1 - y0)), (x0, y0), mask.crop((x0, y0, x1, y1)))

    def text_block(
        self,
        lines: list[tuple[str, float, bool]],
        centre: tuple[float, float],
        max_width: float,
        colour: RGB,
    ) -> None:
        """Centred lines of (text, size in percent of width, bold), each wrapped.

        Lines sit on baselines; the block is centred on its capital height, so it
        looks centred whatever the descenders.
        """
        rendered: list[tuple[str, ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]] = []
        for text, size, bold in lines:
            font = _font(self.unit(size))
            for part in _wrap(text, font, self.unit(max_width)):
                rendered.append((part, font, bold))
        if not rendered:
            return
        sizes = [_size(font) for _, font, _ in rendered]
        advances = [0] + [
            round(previous * 0.3 + size * 0.95)
            for previous, size in zip(sizes, sizes[1:], strict=False)
        ]
        cap = round(sizes[0] * 0.72)
        baseline = self.y(centre[1]) - (cap + sum(advances)) // 2 + cap
        for (part, font, bold), advance in zip(rendered, advances, strict=True):
            baseline += advance
            stroke = max(1, _size(font) // 28) if bold else 0
            self.draw.text(
                (self.x(centre[0]), baseline),
                part,
                font=font,
                fill=colour,
                anchor="ms",
                stroke_width=stroke,
                stroke_fill=colour,
            )

    def finish(self) -> bytes:
        return _jpeg(self.image.reduce(SCALE))


def _size(font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> int:
    return int(getattr(font, "size", 10))


def _wrap(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines[:3]


def _label(canvas: Canvas, box: Box, shot: Shot, colour: RGB, title_size: float = 4.2) -> None:
    """A rounded label with the product name, the group name and the detail line."""
    x0, y0, x1, y1 = box
    canvas.draw.rounded_rectangle(canvas.box(box), radius=canvas.unit(1.6), fill=colour)
    inset = canvas.unit(0.7)
    bx0, by0, bx1, by1 = canvas.box(box)
    canvas.draw.rounded_rectangle(
        (bx0 + inset, by0 + inset, bx1 - inset, by1 - inset),
        radius=canvas.unit(1.2),
        outline=_shade(colour, 0.5),
        width=canvas.unit(0.25),
    )
    lines = [(shot.title, title_size, True), (shot.maker, title_size * 0.55, False)]
    if shot.detail:
        lines.append((shot.detail, title_size * 0.6, True))
    canvas.text_block(lines, ((x0 + x1) / 2, (y0 + y1) / 2), (x1 - x0) * 0.84, _ink_for(colour))


def _tag(canvas: Canvas, shot: Shot, accent: RGB) -> None:
    """A hang tag in the lower right with the product and group names."""
    canvas.draw.rounded_rectangle(canvas.box((60, 70, 92, 92)), canvas.unit(1.4), fill=PAPER)
    canvas.draw.rectangle(canvas.box((60, 70, 92, 72.5)), fill=accent)
    canvas.text_block([(shot.title, 2.4, True), (shot.maker, 1.6, False)], (76, 81.5), 28, INK)


def _gloss(canvas: Canvas, box: Box) -> None:
    canvas.draw.rounded_rectangle(canvas.box(box), radius=canvas.unit(1), fill=(255, 255, 255, 60))


def _crumbs(
    canvas: Canvas, box: Box, colour: RGB, rng: random.Random, count: int, size: float = 2.4
) -> None:
    """Small irregular bits (abon fibres, keripik, granules) filling `box`."""
    x0, y0, x1, y1 = canvas.box(box)
    size = canvas.unit(size)
    for _ in range(count):
        cx, cy = rng.randint(x0, x1), rng.randint(y0, y1)
        r = rng.randint(size // 2, size)
        tone = _shade(colour, rng.uniform(-0.25, 0.2))
        canvas.draw.ellipse((cx - r, cy - r * 0.7, cx + r, cy + r * 0.7), fill=tone)


def _cookies(canvas: Canvas, box: Box, colour: RGB, rng: random.Random) -> None:
    """Round cookies with a darker centre, stacked in offset rows from the bottom."""
    x0, y0, x1, y1 = canvas.box(box)
    r = canvas.unit(3.2)
    edge, centre = _shade(colour, -0.3), _shade(colour, -0.35)
    for row, cy in enumerate(range(y1 - r, y0, -round(r * 1.7))):
        for cx in range(x0 + r + (r if row % 2 else 0), x1 - r + 1, round(r * 2.1)):
            tone = _shade(colour, rng.uniform(-0.1, 0.1))
            canvas.draw.ellipse((cx - r, cy - r * 0.8, cx + r, cy + r * 0.8), tone, edge, 3)
            canvas.draw.ellipse((cx - r // 3, cy - r // 3, cx + r // 3, cy + r // 6), centre)


@dataclass(frozen=True)
class Style:
    """The colours and the random source one picture is drawn with."""

    body: RGB
    accent: RGB
    rng: random.Random


def _pouch(canvas: Canvas, shot: Shot, style: Style) -> None:
    body = style.body
    canvas.shadow((26, 78, 74, 86))
    canvas.draw.polygon(canvas.points((33, 20), (67, 20), (70, 80), (30, 80)), fill=body)
    canvas.draw.rounded_rectangle(canvas.box((30, 74, 70, 82)), canvas.unit(3), fill=body)
    canvas.draw.rectangle(canvas.box((33, 20, 67, 24)), fill=_shade(body, -0.12))
    for step in range(34):
        x = 33.5 + step
        canvas.draw.line(canvas.points((x, 20.4), (x, 23.6)), fill=_shade(body, -0.2), width=2)
    canvas.draw.line(canvas.points((33.3, 27), (66.7, 27)), fill=_shade(body, -0.3), width=6)
    for side, tip in ((33, 34.2), (67, 65.8)):
        canvas.draw.polygon(
            canvas.points((side, 25.2), (tip, 25.8), (side, 26.4)), fill=_shade(body, -0.4)
        )
    inside = _content_colour(shot.title)
    canvas.draw.ellipse(canvas.box((42, 29.5, 58, 37.5)), fill=_shade(body, -0.35))
    canvas.draw.ellipse(canvas.box((42.6, 30.1, 57.4, 36.9)), fill=inside)
    _crumbs(canvas, (44, 31, 56, 35.5), inside, style.rng, 40)
    _label(canvas, (36, 40, 64, 70), shot, style.accent, 3.4)
    canvas.draw.arc(canvas.box((31, 74, 69, 86)), 200, 340, fill=_shade(body, -0.25), width=4)
    _gloss(canvas, (35, 28, 37, 74))


def _bag(canvas: Canvas, shot: Shot, style: Style) -> None:
    """A clear plastic bag of kerupuk with a folded paper header stapled on top."""
    canvas.shadow((24, 80, 76, 88))
    inside = _content_colour(shot.title)
    rng = style.rng
    canvas.draw.rounded_rectangle(canvas.box((28, 26, 72, 82)), canvas.unit(2), fill=(250,) * 3)
    size = canvas.unit(6)
    x0, y0, x1, y1 = canvas.box((29, 27, 71, 81))
    x0, y0, x1, y1 = x0 + size, y0 + size, x1 - size, y1 - size
    corners = ((-1, 0), (-0.7, -0.8), (0, -1), (0.8, -0.7), (1, 0), (0.6, 0.9), (-0.5, 0.9))
    for _ in range(34):
        cx, cy = rng.randint(x0, x1), rng.randint(y0, y1)
        piece = [
            (cx + rng.randint(size // 2, size) * dx, cy + rng.randint(size // 2, size) * dy)
            for dx, dy in corners
        ]
        tone = _shade(inside, rng.uniform(-0.12, 0.08))
        canvas.draw.polygon(piece, fill=tone, outline=_shade(inside, -0.25))
    canvas.draw.rounded_rectangle(
        canvas.box((28, 26, 72, 82)),
        canvas.unit(2),
        fill=(255, 255, 255, 70),
        outline=(255, 255, 255, 160),
        width=5,
    )
    _gloss(canvas, (31, 30, 33.5, 78))
    canvas.draw.rectangle(canvas.box((27, 14, 73, 31)), fill=(238, 228, 206))
    canvas.draw.line(canvas.points((27, 22.5), (73, 22.5)), fill=(200, 186, 160), width=3)
    for staple in (34, 66):
        canvas.draw.rectangle(canvas.box((staple - 2, 27.5, staple + 2, 28.2)), fill=(150,) * 3)
    canvas.text_block(
        [(shot.title, 3.6, True), (shot.maker, 2.0, False)], (50, 18.5), 42, style.accent
    )
    if shot.detail:
        canvas.text_block([(shot.detail, 2.4, True)], (50, 27), 30, _shade(style.accent, -0.3))


def _jar(canvas: Canvas, shot: Shot, style: Style) -> None:
    """A glass toples of cookies, or of a powder such as jahe instan, with a ridged lid."""
    canvas.shadow((26, 80, 74, 88))
    glass = canvas.box((31, 32, 69, 82))
    canvas.draw.rounded_rectangle(glass, canvas.unit(4), fill=(236, 236, 232))
    inside = _content_colour(shot.title)
    if shot.category in ("kue", "makanan-ringan"):
        _cookies(canvas, (34, 36, 66, 79), inside, style.rng)
    else:
        canvas.draw.rounded_rectangle(canvas.box((33, 40, 67, 80)), canvas.unit(3), fill=inside)
        _crumbs(canvas, (34, 41, 66, 79), inside, style.rng, 160, 0.8)
    canvas.draw.rounded_rectangle(
        glass, canvas.unit(4), fill=(255, 255, 255, 55), outline=(255, 255, 255, 200), width=6
    )
    canvas.draw.rounded_rectangle(canvas.box((29, 22, 71, 33)), canvas.unit(1.5), fill=style.body)
    for step in range(1, 28):
        x = 29 + step * 1.5
        canvas.draw.line(canvas.points((x, 23), (x, 32)), fill=_shade(style.body, -0.18), width=3)
    _gloss(canvas, (33, 36, 35.5, 78))
    _label(canvas, (34, 50, 66, 70), shot, style.accent, 3.2)


def _bottle(canvas: Canvas, shot: Shot, style: Style) -> None:
    canvas.shadow((32, 82, 68, 88))
    liquid = _content_colour(shot.title)
    canvas.draw.rounded_rectangle(canvas.box((36, 36, 64, 84)), canvas.unit(4), fill=liquid)
    canvas.draw.polygon(canvas.points((44, 24), (56, 24), (64, 38), (36, 38)), fill=liquid)
    canvas.draw.rectangle(canvas.box((44, 16, 56, 25)), fill=_shade(liquid, 0.2))
    canvas.draw.rounded_rectangle(canvas.box((43, 10, 57, 17)), canvas.unit(0.8), fill=style.body)
    _gloss(canvas, (38, 38, 40.5, 80))
    _label(canvas, (36, 48, 64, 72), shot, style.accent, 3.2)


def _box(canvas: Canvas, shot: Shot, style: Style) -> None:
    body = style.body
    canvas.shadow((22, 76, 80, 88))
    top = canvas.points((24, 36), (64, 36), (76, 26), (36, 26))
    canvas.draw.polygon(top, fill=_shade(body, 0.25))
    side = canvas.points((64, 36), (76, 26), (76, 72), (64, 82))
    canvas.draw.polygon(side, fill=_shade(body, -0.2))
    canvas.draw.rectangle(canvas.box((24, 36, 64, 82)), fill=body)
    canvas.draw.line(canvas.points((24, 36), (64, 36), (76, 26)), _shade(body, 0.45), 4)
    _label(canvas, (28, 44, 60, 74), shot, PAPER, 3.4)
    canvas.draw.rectangle(canvas.box((28, 76, 60, 78)), fill=style.accent)


def _tin(canvas: Canvas, shot: Shot, style: Style) -> None:
    canvas.shadow((28, 80, 72, 88))
    canvas.draw.rectangle(canvas.box((32, 30, 68, 80)), fill=(200, 200, 206))
    canvas.draw.ellipse(canvas.box((32, 76, 68, 84)), fill=(176, 176, 184))
    canvas.draw.rectangle(canvas.box((32, 36, 68, 76)), fill=style.body)
    canvas.draw.ellipse(canvas.box((32, 26, 68, 34)), (220, 220, 226), (170, 170, 178), 5)
    _gloss(canvas, (35, 36, 37.5, 76))
    _label(canvas, (36, 42, 64, 70), shot, style.accent, 3.2)


def _parcel(canvas: Canvas, shot: Shot, style: Style) -> None:
    """Kraft paper tied with string, a paper label on the front."""
    kraft = (198, 160, 112)
    accent = style.accent
    canvas.shadow((22, 76, 78, 86))
    canvas.draw.rounded_rectangle(canvas.box((24, 34, 76, 80)), canvas.unit(1.2), fill=kraft)
    for _ in range(60):
        x, y = style.rng.uniform(25, 73), style.rng.uniform(35, 79)
        canvas.draw.line(canvas.points((x, y), (x + 2, y + 0.3)), _shade(kraft, -0.08), 2)
    canvas.draw.rectangle(canvas.box((24, 55, 76, 57)), fill=accent)
    canvas.draw.rectangle(canvas.box((49, 34, 51, 80)), fill=accent)
    canvas.draw.ellipse(canvas.box((44, 51, 50, 57)), outline=accent, width=8)
    canvas.draw.ellipse(canvas.box((50, 51, 56, 57)), outline=accent, width=8)
    _label(canvas, (30, 60, 70, 76), shot, PAPER, 2.8)


def _weave(size: tuple[int, int], strip: int, natural: RGB, dyed: RGB) -> Image.Image:
    """Purun strips going over and under, every fourth band dyed."""
    pattern = Image.new("RGB", size, _shade(natural, -0.3))
    draw = ImageDraw.Draw(pattern)
    for row, y in enumerate(range(0, size[1], strip)):
        band = dyed if (row // 3) % 4 == 1 else natural
        for column, x in enumerate(range(0, size[0], strip)):
            tone = _shade(band, 0.08 if (row + column) % 2 == 0 else -0.14)
            draw.rectangle((x + 2, y + 2, x + strip - 2, y + strip - 2), fill=tone)
    return pattern


def _woven(canvas: Canvas, shot: Shot, style: Style) -> None:
    """Purun weaving as a mat (tikar), a hat (topi, caping) or a bag."""
    natural = (206, 182, 126)
    dyed = style.rng.choice(((150, 40, 40), (40, 40, 40), (40, 100, 70)))
    strip = canvas.unit(2.2)

    def weave(size: tuple[int, int]) -> Image.Image:
        return _weave(size, strip, natural, dyed)

    lowered = shot.title.lower()
    canvas.shadow((20, 76, 80, 88))
    if "tikar" in lowered:
        mat = canvas.points((16, 70), (84, 70), (72, 40), (28, 40))
        canvas.fill_shape((16, 40, 84, 70), weave, lambda d: d.polygon(mat, fill=255))
        canvas.draw.ellipse(canvas.box((70, 36, 88, 74)), fill=_shade(natural, -0.1))
        canvas.draw.ellipse(canvas.box((74, 44, 84, 66)), fill=_shade(natural, -0.3))
        _label(canvas, (34, 76, 66, 92), shot, style.accent, 2.6)
        return
    if "topi" in lowered or "caping" in lowered:
        brim, crown = canvas.box((14, 52, 86, 74)), canvas.box((32, 28, 68, 80))

        def hat(draw: ImageDraw.ImageDraw) -> None:
            draw.ellipse(brim, fill=255)
            draw.chord(crown, 180, 360, fill=255)

        canvas.fill_shape((14, 28, 86, 74), weave, hat)
        canvas.draw.arc(canvas.box((32, 50, 68, 58)), 0, 180, fill=dyed, width=canvas.unit(1))
        _label(canvas, (32, 78, 68, 94), shot, style.accent, 2.6)
        return
    handle = _shade(natural, -0.35)
    canvas.draw.arc(canvas.box((36, 16, 64, 46)), 180, 360, fill=handle, width=canvas.unit(1.6))
    bag = canvas.box((24, 30, 76, 82))
    radius = canvas.unit(5)
    canvas.fill_shape((24, 30, 76, 82), weave, lambda d: d.rounded_rectangle(bag, radius, fill=255))
    canvas.draw.rounded_rectangle(bag, radius, outline=_shade(natural, -0.3), width=6)
    _tag(canvas, shot, style.accent)


def _knit(size: tuple[int, int], stitch: int, yarn: RGB, second: RGB) -> Image.Image:
    """Rows of V stitches, a band of the second yarn every third group of rows."""
    pattern = Image.new("RGB", size, _shade(yarn, -0.35))
    draw = ImageDraw.Draw(pattern)
    half = stitch // 2
    for row, y in enumerate(range(0, size[1], stitch)):
        colour = second if (row // 4) % 3 == 2 else yarn
        darker = _shade(colour, -0.12)
        for x in range(0, size[0], stitch):
            left = [(x, y), (x + half, y + stitch), (x + half - 3, y + stitch), (x + 2, y + 4)]
            right = [
                (x + stitch, y),
                (x + half, y + stitch),
                (x + half + 3, y + stitch),
                (x + stitch - 2, y + 4),
            ]
            draw.polygon(left, fill=colour)
            draw.polygon(right, fill=darker)
    return pattern


def _knitted(canvas: Canvas, shot: Shot, style: Style) -> None:
    """Knitting shaped as a hat (topi), a bag (tas) or a folded scarf."""
    yarn = style.rng.choice(((196, 84, 110), (70, 130, 170), (226, 170, 60), (120, 160, 110)))
    second = _shade(yarn, 0.45)
    stitch = canvas.unit(2.6)

    def knit(size: tuple[int, int]) -> Image.Image:
        return _knit(size, stitch, yarn, second)

    lowered = shot.title.lower()
    canvas.shadow((22, 78, 78, 88))
    if "topi" in lowered:
        dome, band = canvas.box((28, 30, 72, 96)), canvas.box((28, 60, 72, 74))

        def hat(draw: ImageDraw.ImageDraw) -> None:
            draw.chord(dome, 180, 360, fill=255)
            draw.rectangle(band, fill=255)

        canvas.fill_shape((28, 30, 72, 74), knit, hat)
        canvas.draw.ellipse(canvas.box((44, 18, 56, 32)), fill=second)
        for step in range(30):
            x = 28.7 + step * 1.5
            canvas.draw.line(canvas.points((x, 62), (x, 74)), _shade(yarn, -0.3), 5)
    elif "tas" in lowered:
        canvas.draw.arc(canvas.box((35, 12, 65, 46)), 180, 360, fill=yarn, width=canvas.unit(2))
        bag, radius = canvas.box((24, 30, 76, 82)), canvas.unit(6)
        canvas.fill_shape(
            (24, 30, 76, 82), knit, lambda d: d.rounded_rectangle(bag, radius, fill=255)
        )
    else:
        scarf = canvas.points((20, 44), (80, 38), (80, 76), (20, 82))
        canvas.fill_shape((20, 38, 80, 82), knit, lambda d: d.polygon(scarf, fill=255))
        for step in range(16):
            x = 21 + step * 3.8
            canvas.draw.line(canvas.points((x, 82 - step * 0.38), (x - 1, 88)), yarn, 6)
    _tag(canvas, shot, style.accent)


def _kawung(size: tuple[int, int], cell: int, ground: RGB, motif: RGB) -> Image.Image:
    """The kawung motif: four oval leaves round a point, repeated on a grid."""
    pattern = Image.new("RGB", size, ground)
    draw = ImageDraw.Draw(pattern)
    half_width, length, gap = cell // 8, round(cell * 0.43), cell // 24
    for y in range(0, size[1] + cell, cell):
        for x in range(0, size[0] + cell, cell):
            leaves = (
                (x - half_width, y - length, x + half_width, y - gap),
                (x - half_width, y + gap, x + half_width, y + length),
                (x - length, y - half_width, x - gap, y + half_width),
                (x + gap, y - half_width, x + length, y + half_width),
            )
            for x0, y0, x1, y1 in leaves:
                draw.ellipse((x0, y0, x1, y1), fill=motif)
                cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
                draw.ellipse((cx - 4, cy - 4, cx + 4, cy + 4), fill=ground)
            corner = (x + cell // 2, y + cell // 2)
            draw.ellipse((corner[0] - 6, corner[1] - 6, corner[0] + 6, corner[1] + 6), fill=motif)
    return pattern


def _batik(canvas: Canvas, shot: Shot, style: Style) -> None:
    """Folded batik cloth in a stack of three; a collar and buttons for a kemeja."""
    ground = style.rng.choice(((38, 50, 96), (92, 52, 30), (24, 70, 66)))
    cell = canvas.unit(6)

    def kawung(size: tuple[int, int]) -> Image.Image:
        return _kawung(size, cell, ground, (236, 214, 170))

    canvas.shadow((18, 78, 82, 88))
    radius = canvas.unit(1)
    for layer, top in enumerate((44, 38, 32)):
        fold = canvas.box((20, top, 80, top + 40))
        canvas.fill_shape(
            (20, top, 80, top + 40), kawung, lambda d, f=fold: d.rounded_rectangle(f, radius, 255)
        )
        canvas.draw.rounded_rectangle(fold, radius, fill=(0, 0, 0, 40 - layer * 18))
    if "kemeja" in shot.title.lower():
        collar = canvas.points((38, 32), (50, 44), (62, 32), (56, 30), (50, 37), (44, 30))
        canvas.draw.polygon(collar, fill=_shade(ground, -0.3))
        for y in (50, 58, 66):
            canvas.draw.ellipse(canvas.box((49.3, y, 50.7, y + 1.4)), fill=(240, 240, 240))
    _tag(canvas, shot, style.accent)


def _stack(canvas: Canvas, shot: Shot, style: Style) -> None:
    """Folded laundry, or anything sold without packaging, stacked neatly."""
    canvas.shadow((24, 78, 76, 88))
    colours = [(240, 240, 244), (170, 200, 226), (236, 200, 180), (200, 224, 200), (250, 236, 200)]
    style.rng.shuffle(colours)
    for index, colour in enumerate(colours):
        top = 70 - index * 9
        towel = canvas.box((28, top, 72, top + 10))
        canvas.draw.rounded_rectangle(towel, canvas.unit(2.5), colour, _shade(colour, -0.15), 4)
        canvas.draw.line(canvas.points((31, top + 5), (69, top + 5)), _shade(colour, -0.08), 3)
    _tag(canvas, shot, style.accent)


def _plate(canvas: Canvas, shot: Shot, style: Style) -> None:
    """The contents on a plate: the second photo of a food product."""
    canvas.shadow((14, 60, 86, 86), 90)
    canvas.draw.ellipse(canvas.box((14, 40, 86, 84)), (250, 250, 248), (220, 218, 214), 6)
    canvas.draw.ellipse(canvas.box((22, 46, 78, 78)), fill=(242, 240, 236))
    _crumbs(canvas, (28, 50, 72, 72), _content_colour(shot.title), style.rng, 220)
    _tag(canvas, shot, style.accent)


Drawer = Callable[[Canvas, Shot, Style], None]
PACKAGING_DRAWERS: dict[str, Drawer] = {
    "standing-pouch": _pouch,
    "plastik": _bag,
    "toples": _jar,
    "botol": _bottle,
    "kotak": _box,
    "kaleng": _tin,
    "kertas": _parcel,
    "anyaman": _woven,
    "tanpa-kemasan": _stack,
}
CATEGORY_DRAWERS: dict[str, Drawer] = {
    "rajutan": _knitted,
    "pakaian-batik": _batik,
    "kerajinan": _woven,
}
FOOD_CATEGORIES = frozenset({"makanan-ringan", "makanan", "bumbu-sambal", "kue", "minuman"})


def _drawer_for(shot: Shot) -> Drawer:
    if shot.view == 1 and shot.category in FOOD_CATEGORIES:
        return _plate
    if shot.category in CATEGORY_DRAWERS:
        return CATEGORY_DRAWERS[shot.category]
    return PACKAGING_DRAWERS.get(shot.packaging or "", _stack)


def product_photo(shot: Shot) -> bytes:
    """A 1200×1200 JPEG product shot; the same shot always gives the same bytes."""
    rng = random.Random(f"{shot.title}|{shot.maker}|{shot.view}")
    top, bottom, table, accent = rng.choice(PALETTES)
    body = rng.choice(((246, 242, 232), (204, 170, 124), (190, 196, 204), _shade(accent, 0.55)))
    canvas = Canvas(PHOTO_SIZE)
    canvas.backdrop((72, top, bottom), (28, _shade(table, 0.15), _shade(table, -0.15)))
    canvas.draw.rectangle(canvas.box((0, 71.6, 100, 72.4)), fill=_shade(table, 0.35))
    _drawer_for(shot)(canvas, shot, Style(body, accent, rng))
    return canvas.finish()


COMMON_WORDS = frozenset(
    {"kelompok", "kub", "koperasi", "kopwan", "uppka", "up2k", "pkk", "usaha", "bersama", "dan"}
)


def initials(name: str) -> str:
    """Two letters for a logo, skipping the words many group names share."""
    words = [w for w in name.replace("-", " ").split() if w.lower() not in COMMON_WORDS]
    letters = "".join(word[0] for word in (words or name.split())[:2] if word[0].isalnum())
    return (letters or name[:2]).upper()


def group_logo(name: str) -> bytes:
    """A 600×600 JPEG: the group's initials in a ringed circle."""
    rng = random.Random(f"logo|{name}")
    top, bottom, _, accent = rng.choice(PALETTES)
    canvas = Canvas(LOGO_SIZE)
    canvas.backdrop((100, top, bottom))
    canvas.draw.ellipse(canvas.box((8, 8, 92, 92)), fill=accent)
    ring = _shade(accent, 0.6)
    canvas.draw.ellipse(canvas.box((13, 13, 87, 87)), outline=ring, width=canvas.unit(1.2))
    canvas.text_block([(initials(name), 30, True)], (50, 50), 70, (255, 255, 255))
    return canvas.finish()


def group_cover(name: str, subtitle: str) -> bytes:
    """A 1600×600 JPEG banner: gradient, a kawung-like motif, the name and place."""
    rng = random.Random(f"cover|{name}")
    accent = rng.choice(PALETTES)[3]
    canvas = Canvas(COVER_SIZE)
    canvas.backdrop((100, _shade(accent, -0.25), _shade(accent, 0.15)))
    cell = canvas.unit(6)
    leaf = cell // 3
    for y in range(0, canvas.h + cell, cell):
        for x in range(canvas.w // 2, canvas.w + cell, cell):
            canvas.draw.ellipse(
                (x - leaf // 2, y - leaf, x + leaf // 2, y + leaf), (255, 255, 255, 38)
            )
            canvas.draw.ellipse(
                (x - leaf, y - leaf // 2, x + leaf, y + leaf // 2), (255, 255, 255, 28)
            )
    canvas.draw.rounded_rectangle(canvas.box((4, 18, 62, 82)), canvas.unit(1.5), (0, 0, 0, 70))
    canvas.text_block([(name, 4.2, True), (subtitle, 2.2, False)], (33, 50), 52, (255, 255, 255))
    return canvas.finish()
