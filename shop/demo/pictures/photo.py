"""Product photos: a studio backdrop, then the drawing chosen by view, category and packaging."""

from __future__ import annotations

import random
from collections.abc import Callable

from shop.demo.pictures import crafts, packages
from shop.demo.pictures.canvas import PALETTES, PHOTO_SIZE, Canvas, shade
from shop.demo.pictures.shot import Shot, Style

Drawer = Callable[[Canvas, Shot, Style], None]
PACKAGING_DRAWERS: dict[str, Drawer] = {
    "standing-pouch": packages.pouch,
    "plastik": packages.bag,
    "toples": packages.jar,
    "botol": packages.bottle,
    "kotak": packages.box,
    "kaleng": packages.tin,
    "kertas": packages.parcel,
    "anyaman": crafts.woven,
    "tanpa-kemasan": crafts.stack,
}
CATEGORY_DRAWERS: dict[str, Drawer] = {
    "rajutan": crafts.knitted,
    "pakaian-batik": crafts.batik,
    "kerajinan": crafts.woven,
}
FOOD_CATEGORIES = frozenset({"makanan-ringan", "makanan", "bumbu-sambal", "kue", "minuman"})


def _drawer_for(shot: Shot) -> Drawer:
    if shot.view == 1 and shot.category in FOOD_CATEGORIES:
        return packages.plate
    if shot.category in CATEGORY_DRAWERS:
        return CATEGORY_DRAWERS[shot.category]
    return PACKAGING_DRAWERS.get(shot.packaging or "", crafts.stack)


def product_photo(shot: Shot) -> bytes:
    """A 1200×1200 JPEG product shot; the same shot always gives the same bytes."""
    rng = random.Random(f"{shot.title}|{shot.maker}|{shot.view}")
    top, bottom, table, accent = rng.choice(PALETTES)
    body = rng.choice(((246, 242, 232), (204, 170, 124), (190, 196, 204), shade(accent, 0.55)))
    canvas = Canvas(PHOTO_SIZE)
    canvas.backdrop((72, top, bottom), (28, shade(table, 0.15), shade(table, -0.15)))
    canvas.draw.rectangle(canvas.box((0, 71.6, 100, 72.4)), fill=shade(table, 0.35))
    _drawer_for(shot)(canvas, shot, Style(body, accent, rng))
    return canvas.finish()
