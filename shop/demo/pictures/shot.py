"""What a product photo shows, and the parts every product drawing shares."""

from __future__ import annotations

import random
from dataclasses import dataclass

from shop.demo.pictures.canvas import INK, PAPER, RGB, Box, Canvas, ink_for, shade

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


@dataclass(frozen=True)
class Shot:
    """What one product photo shows. `view` 0 is the package, 1 the contents."""

    title: str
    maker: str
    packaging: str | None
    category: str
    detail: str = ""
    view: int = 0


@dataclass(frozen=True)
class Style:
    """The colours and the random source one picture is drawn with."""

    body: RGB
    accent: RGB
    rng: random.Random


def content_colour(title: str) -> RGB:
    lowered = title.lower()
    for word, colour in CONTENT_COLOURS:
        if word in lowered:
            return colour
    return DEFAULT_CONTENT


def label(canvas: Canvas, box: Box, shot: Shot, colour: RGB, title_size: float = 4.2) -> None:
    """A rounded label with the product name, the group name and the detail line."""
    x0, y0, x1, y1 = box
    canvas.draw.rounded_rectangle(canvas.box(box), radius=canvas.unit(1.6), fill=colour)
    inset = canvas.unit(0.7)
    bx0, by0, bx1, by1 = canvas.box(box)
    canvas.draw.rounded_rectangle(
        (bx0 + inset, by0 + inset, bx1 - inset, by1 - inset),
        radius=canvas.unit(1.2),
        outline=shade(colour, 0.5),
        width=canvas.unit(0.25),
    )
    lines = [(shot.title, title_size, True), (shot.maker, title_size * 0.55, False)]
    if shot.detail:
        lines.append((shot.detail, title_size * 0.6, True))
    canvas.text_block(lines, ((x0 + x1) / 2, (y0 + y1) / 2), (x1 - x0) * 0.84, ink_for(colour))


def tag(canvas: Canvas, shot: Shot, accent: RGB) -> None:
    """A hang tag in the lower right with the product and group names."""
    canvas.draw.rounded_rectangle(canvas.box((60, 70, 92, 92)), canvas.unit(1.4), fill=PAPER)
    canvas.draw.rectangle(canvas.box((60, 70, 92, 72.5)), fill=accent)
    canvas.text_block([(shot.title, 2.4, True), (shot.maker, 1.6, False)], (76, 81.5), 28, INK)


def gloss(canvas: Canvas, box: Box) -> None:
    canvas.draw.rounded_rectangle(canvas.box(box), radius=canvas.unit(1), fill=(255, 255, 255, 60))


def crumbs(
    canvas: Canvas, box: Box, colour: RGB, rng: random.Random, count: int, size: float = 2.4
) -> None:
    """Small irregular bits (abon fibres, keripik, granules) filling `box`."""
    x0, y0, x1, y1 = canvas.box(box)
    size = canvas.unit(size)
    for _ in range(count):
        cx, cy = rng.randint(x0, x1), rng.randint(y0, y1)
        r = rng.randint(size // 2, size)
        tone = shade(colour, rng.uniform(-0.25, 0.2))
        canvas.draw.ellipse((cx - r, cy - r * 0.7, cx + r, cy + r * 0.7), fill=tone)
