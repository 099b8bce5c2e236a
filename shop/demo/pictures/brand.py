"""Group logos (initials in a ringed circle) and cover banners."""

from __future__ import annotations

import random

from shop.demo.pictures.canvas import COVER_SIZE, LOGO_SIZE, PALETTES, Canvas, shade

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
    ring = shade(accent, 0.6)
    canvas.draw.ellipse(canvas.box((13, 13, 87, 87)), outline=ring, width=canvas.unit(1.2))
    canvas.text_block([(initials(name), 30, True)], (50, 50), 70, (255, 255, 255))
    return canvas.finish()


def group_cover(name: str, subtitle: str) -> bytes:
    """A 1600×600 JPEG banner: gradient, a kawung-like motif, the name and place."""
    rng = random.Random(f"cover|{name}")
    accent = rng.choice(PALETTES)[3]
    canvas = Canvas(COVER_SIZE)
    canvas.backdrop((100, shade(accent, -0.25), shade(accent, 0.15)))
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
