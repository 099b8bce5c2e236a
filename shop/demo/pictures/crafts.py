"""Crafts drawn as the thing itself: woven purun, knitting, folded batik, stacked towels."""

from __future__ import annotations

from PIL import Image, ImageDraw

from shop.demo.pictures.canvas import RGB, Canvas, shade
from shop.demo.pictures.shot import Shot, Style, label, tag


def _weave(size: tuple[int, int], strip: int, natural: RGB, dyed: RGB) -> Image.Image:
    """Purun strips going over and under, every fourth band dyed."""
    pattern = Image.new("RGB", size, shade(natural, -0.3))
    draw = ImageDraw.Draw(pattern)
    for row, y in enumerate(range(0, size[1], strip)):
        band = dyed if (row // 3) % 4 == 1 else natural
        for column, x in enumerate(range(0, size[0], strip)):
            tone = shade(band, 0.08 if (row + column) % 2 == 0 else -0.14)
            draw.rectangle((x + 2, y + 2, x + strip - 2, y + strip - 2), fill=tone)
    return pattern


def woven(canvas: Canvas, shot: Shot, style: Style) -> None:
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
        canvas.draw.ellipse(canvas.box((70, 36, 88, 74)), fill=shade(natural, -0.1))
        canvas.draw.ellipse(canvas.box((74, 44, 84, 66)), fill=shade(natural, -0.3))
        label(canvas, (34, 76, 66, 92), shot, style.accent, 2.6)
        return
    if "topi" in lowered or "caping" in lowered:
        brim, crown = canvas.box((14, 52, 86, 74)), canvas.box((32, 28, 68, 80))

        def hat(draw: ImageDraw.ImageDraw) -> None:
            draw.ellipse(brim, fill=255)
            draw.chord(crown, 180, 360, fill=255)

        canvas.fill_shape((14, 28, 86, 74), weave, hat)
        canvas.draw.arc(canvas.box((32, 50, 68, 58)), 0, 180, fill=dyed, width=canvas.unit(1))
        label(canvas, (32, 78, 68, 94), shot, style.accent, 2.6)
        return
    handle = shade(natural, -0.35)
    canvas.draw.arc(canvas.box((36, 16, 64, 46)), 180, 360, fill=handle, width=canvas.unit(1.6))
    bag = canvas.box((24, 30, 76, 82))
    radius = canvas.unit(5)
    canvas.fill_shape((24, 30, 76, 82), weave, lambda d: d.rounded_rectangle(bag, radius, fill=255))
    canvas.draw.rounded_rectangle(bag, radius, outline=shade(natural, -0.3), width=6)
    tag(canvas, shot, style.accent)


def _knit(size: tuple[int, int], stitch: int, yarn: RGB, second: RGB) -> Image.Image:
    """Rows of V stitches, a band of the second yarn every third group of rows."""
    pattern = Image.new("RGB", size, shade(yarn, -0.35))
    draw = ImageDraw.Draw(pattern)
    half = stitch // 2
    for row, y in enumerate(range(0, size[1], stitch)):
        colour = second if (row // 4) % 3 == 2 else yarn
        darker = shade(colour, -0.12)
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


def knitted(canvas: Canvas, shot: Shot, style: Style) -> None:
    """Knitting shaped as a hat (topi), a bag (tas) or a folded scarf."""
    yarn = style.rng.choice(((196, 84, 110), (70, 130, 170), (226, 170, 60), (120, 160, 110)))
    second = shade(yarn, 0.45)
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
            canvas.draw.line(canvas.points((x, 62), (x, 74)), shade(yarn, -0.3), 5)
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
    tag(canvas, shot, style.accent)


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


def batik(canvas: Canvas, shot: Shot, style: Style) -> None:
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
        canvas.draw.polygon(collar, fill=shade(ground, -0.3))
        for y in (50, 58, 66):
            canvas.draw.ellipse(canvas.box((49.3, y, 50.7, y + 1.4)), fill=(240, 240, 240))
    tag(canvas, shot, style.accent)


def stack(canvas: Canvas, shot: Shot, style: Style) -> None:
    """Folded laundry, or anything sold without packaging, stacked neatly."""
    canvas.shadow((24, 78, 76, 88))
    colours = [(240, 240, 244), (170, 200, 226), (236, 200, 180), (200, 224, 200), (250, 236, 200)]
    style.rng.shuffle(colours)
    for index, colour in enumerate(colours):
        top = 70 - index * 9
        towel = canvas.box((28, top, 72, top + 10))
        canvas.draw.rounded_rectangle(towel, canvas.unit(2.5), colour, shade(colour, -0.15), 4)
        canvas.draw.line(canvas.points((31, top + 5), (69, top + 5)), shade(colour, -0.08), 3)
    tag(canvas, shot, style.accent)
