"""The drawing surface: sizes, palettes, gradient backdrops, soft shadows and wrapped text."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFilter, ImageFont

PHOTO_SIZE = (1200, 1200)
LOGO_SIZE = (600, 600)
COVER_SIZE = (1600, 600)
JPEG_QUALITY = 85
# Shapes are drawn at twice the size and halved, which smooths the edges ImageDraw
# would leave jagged.
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
PAPER: RGB = (252, 248, 240)
INK: RGB = (50, 40, 30)


# Pillow's own scalable default font: nothing is downloaded.
@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def shade(colour: RGB, amount: float) -> RGB:
    """Darker for a negative amount, lighter for a positive one (-1 … 1)."""
    return _mix(colour, (255, 255, 255) if amount > 0 else (0, 0, 0), abs(amount))


def ink_for(background: RGB) -> RGB:
    luma = 0.299 * background[0] + 0.587 * background[1] + 0.114 * background[2]
    return (40, 30, 24) if luma > 150 else (255, 255, 255)


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
