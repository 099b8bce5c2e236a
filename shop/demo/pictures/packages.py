"""Food in its packaging: pouch, bag, jar, bottle, box, tin, parcel; or on a plate."""

from __future__ import annotations

import random

from shop.demo.pictures.canvas import PAPER, RGB, Box, Canvas, shade
from shop.demo.pictures.shot import Shot, Style, content_colour, crumbs, gloss, label, tag


def _cookies(canvas: Canvas, box: Box, colour: RGB, rng: random.Random) -> None:
    """Round cookies with a darker centre, stacked in offset rows from the bottom."""
    x0, y0, x1, y1 = canvas.box(box)
    r = canvas.unit(3.2)
    edge, centre = shade(colour, -0.3), shade(colour, -0.35)
    for row, cy in enumerate(range(y1 - r, y0, -round(r * 1.7))):
        for cx in range(x0 + r + (r if row % 2 else 0), x1 - r + 1, round(r * 2.1)):
            tone = shade(colour, rng.uniform(-0.1, 0.1))
            canvas.draw.ellipse((cx - r, cy - r * 0.8, cx + r, cy + r * 0.8), tone, edge, 3)
            canvas.draw.ellipse((cx - r // 3, cy - r // 3, cx + r // 3, cy + r // 6), centre)


def pouch(canvas: Canvas, shot: Shot, style: Style) -> None:
    body = style.body
    canvas.shadow((26, 78, 74, 86))
    canvas.draw.polygon(canvas.points((33, 20), (67, 20), (70, 80), (30, 80)), fill=body)
    canvas.draw.rounded_rectangle(canvas.box((30, 74, 70, 82)), canvas.unit(3), fill=body)
    canvas.draw.rectangle(canvas.box((33, 20, 67, 24)), fill=shade(body, -0.12))
    for step in range(34):
        x = 33.5 + step
        canvas.draw.line(canvas.points((x, 20.4), (x, 23.6)), fill=shade(body, -0.2), width=2)
    canvas.draw.line(canvas.points((33.3, 27), (66.7, 27)), fill=shade(body, -0.3), width=6)
    for side, tip in ((33, 34.2), (67, 65.8)):
        canvas.draw.polygon(
            canvas.points((side, 25.2), (tip, 25.8), (side, 26.4)), fill=shade(body, -0.4)
        )
    inside = content_colour(shot.title)
    canvas.draw.ellipse(canvas.box((42, 29.5, 58, 37.5)), fill=shade(body, -0.35))
    canvas.draw.ellipse(canvas.box((42.6, 30.1, 57.4, 36.9)), fill=inside)
    crumbs(canvas, (44, 31, 56, 35.5), inside, style.rng, 40)
    label(canvas, (36, 40, 64, 70), shot, style.accent, 3.4)
    canvas.draw.arc(canvas.box((31, 74, 69, 86)), 200, 340, fill=shade(body, -0.25), width=4)
    gloss(canvas, (35, 28, 37, 74))


def bag(canvas: Canvas, shot: Shot, style: Style) -> None:
    """A clear plastic bag of kerupuk with a folded paper header stapled on top."""
    canvas.shadow((24, 80, 76, 88))
    inside = content_colour(shot.title)
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
        tone = shade(inside, rng.uniform(-0.12, 0.08))
        canvas.draw.polygon(piece, fill=tone, outline=shade(inside, -0.25))
    canvas.draw.rounded_rectangle(
        canvas.box((28, 26, 72, 82)),
        canvas.unit(2),
        fill=(255, 255, 255, 70),
        outline=(255, 255, 255, 160),
        width=5,
    )
    gloss(canvas, (31, 30, 33.5, 78))
    canvas.draw.rectangle(canvas.box((27, 14, 73, 31)), fill=(238, 228, 206))
    canvas.draw.line(canvas.points((27, 22.5), (73, 22.5)), fill=(200, 186, 160), width=3)
    for staple in (34, 66):
        canvas.draw.rectangle(canvas.box((staple - 2, 27.5, staple + 2, 28.2)), fill=(150,) * 3)
    canvas.text_block(
        [(shot.title, 3.6, True), (shot.maker, 2.0, False)], (50, 18.5), 42, style.accent
    )
    if shot.detail:
        canvas.text_block([(shot.detail, 2.4, True)], (50, 27), 30, shade(style.accent, -0.3))


def jar(canvas: Canvas, shot: Shot, style: Style) -> None:
    """A glass toples of cookies, or of a powder such as jahe instan, with a ridged lid."""
    canvas.shadow((26, 80, 74, 88))
    glass = canvas.box((31, 32, 69, 82))
    canvas.draw.rounded_rectangle(glass, canvas.unit(4), fill=(236, 236, 232))
    inside = content_colour(shot.title)
    if shot.category in ("kue", "makanan-ringan"):
        _cookies(canvas, (34, 36, 66, 79), inside, style.rng)
    else:
        canvas.draw.rounded_rectangle(canvas.box((33, 40, 67, 80)), canvas.unit(3), fill=inside)
        crumbs(canvas, (34, 41, 66, 79), inside, style.rng, 160, 0.8)
    canvas.draw.rounded_rectangle(
        glass, canvas.unit(4), fill=(255, 255, 255, 55), outline=(255, 255, 255, 200), width=6
    )
    canvas.draw.rounded_rectangle(canvas.box((29, 22, 71, 33)), canvas.unit(1.5), fill=style.body)
    for step in range(1, 28):
        x = 29 + step * 1.5
        canvas.draw.line(canvas.points((x, 23), (x, 32)), fill=shade(style.body, -0.18), width=3)
    gloss(canvas, (33, 36, 35.5, 78))
    label(canvas, (34, 50, 66, 70), shot, style.accent, 3.2)


def bottle(canvas: Canvas, shot: Shot, style: Style) -> None:
    canvas.shadow((32, 82, 68, 88))
    liquid = content_colour(shot.title)
    canvas.draw.rounded_rectangle(canvas.box((36, 36, 64, 84)), canvas.unit(4), fill=liquid)
    canvas.draw.polygon(canvas.points((44, 24), (56, 24), (64, 38), (36, 38)), fill=liquid)
    canvas.draw.rectangle(canvas.box((44, 16, 56, 25)), fill=shade(liquid, 0.2))
    canvas.draw.rounded_rectangle(canvas.box((43, 10, 57, 17)), canvas.unit(0.8), fill=style.body)
    gloss(canvas, (38, 38, 40.5, 80))
    label(canvas, (36, 48, 64, 72), shot, style.accent, 3.2)


def box(canvas: Canvas, shot: Shot, style: Style) -> None:
    body = style.body
    canvas.shadow((22, 76, 80, 88))
    top = canvas.points((24, 36), (64, 36), (76, 26), (36, 26))
    canvas.draw.polygon(top, fill=shade(body, 0.25))
    side = canvas.points((64, 36), (76, 26), (76, 72), (64, 82))
    canvas.draw.polygon(side, fill=shade(body, -0.2))
    canvas.draw.rectangle(canvas.box((24, 36, 64, 82)), fill=body)
    canvas.draw.line(canvas.points((24, 36), (64, 36), (76, 26)), shade(body, 0.45), 4)
    label(canvas, (28, 44, 60, 74), shot, PAPER, 3.4)
    canvas.draw.rectangle(canvas.box((28, 76, 60, 78)), fill=style.accent)


def tin(canvas: Canvas, shot: Shot, style: Style) -> None:
    canvas.shadow((28, 80, 72, 88))
    canvas.draw.rectangle(canvas.box((32, 30, 68, 80)), fill=(200, 200, 206))
    canvas.draw.ellipse(canvas.box((32, 76, 68, 84)), fill=(176, 176, 184))
    canvas.draw.rectangle(canvas.box((32, 36, 68, 76)), fill=style.body)
    canvas.draw.ellipse(canvas.box((32, 26, 68, 34)), (220, 220, 226), (170, 170, 178), 5)
    gloss(canvas, (35, 36, 37.5, 76))
    label(canvas, (36, 42, 64, 70), shot, style.accent, 3.2)


def parcel(canvas: Canvas, shot: Shot, style: Style) -> None:
    """Kraft paper tied with string, a paper label on the front."""
    kraft = (198, 160, 112)
    accent = style.accent
    canvas.shadow((22, 76, 78, 86))
    canvas.draw.rounded_rectangle(canvas.box((24, 34, 76, 80)), canvas.unit(1.2), fill=kraft)
    for _ in range(60):
        x, y = style.rng.uniform(25, 73), style.rng.uniform(35, 79)
        canvas.draw.line(canvas.points((x, y), (x + 2, y + 0.3)), shade(kraft, -0.08), 2)
    canvas.draw.rectangle(canvas.box((24, 55, 76, 57)), fill=accent)
    canvas.draw.rectangle(canvas.box((49, 34, 51, 80)), fill=accent)
    canvas.draw.ellipse(canvas.box((44, 51, 50, 57)), outline=accent, width=8)
    canvas.draw.ellipse(canvas.box((50, 51, 56, 57)), outline=accent, width=8)
    label(canvas, (30, 60, 70, 76), shot, PAPER, 2.8)


def plate(canvas: Canvas, shot: Shot, style: Style) -> None:
    """The contents on a plate: the second photo of a food product."""
    canvas.shadow((14, 60, 86, 86), 90)
    canvas.draw.ellipse(canvas.box((14, 40, 86, 84)), (250, 250, 248), (220, 218, 214), 6)
    canvas.draw.ellipse(canvas.box((22, 46, 78, 78)), fill=(242, 240, 236))
    crumbs(canvas, (28, 50, 72, 72), content_colour(shot.title), style.rng, 220)
    tag(canvas, shot, style.accent)
