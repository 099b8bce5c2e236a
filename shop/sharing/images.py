"""Share images: the 1200×630 picture a link preview shows (WhatsApp, Facebook).

Drawn with Pillow from what the page shows: the photo, the name, the price,
the group and its region, and the Etalase mark. Each picture is stored under
a key made from everything drawn on it, so a changed price or photo makes a
new key (a new URL, a new picture) and a stored one never needs checking:
it is cached like the image variants.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from shop.catalogue.models import Product
from shop.catalogue.queries import publicly_visible
from shop.db import utcnow
from shop.extensions import db
from shop.groups.models import Group, GroupStatus
from shop.i18n.formatting import rupiah
from shop.media.jobs import on_public_photo_ready
from shop.media.models import Image
from shop.media.storage import get_storage
from shop.media.sweep import Sweep, register_sweep

SIZE = (1200, 630)
VERSION = "1"  # bump when the drawing changes: every key changes with it
BRAND = (122, 46, 14)
PAPER = (255, 253, 251)
INK = (31, 26, 23)
MUTED = (94, 86, 80)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class Card:
    """Everything drawn on one share image; its key is the hash of all of it."""

    title: str
    price: str
    lines: tuple[str, ...]
    photo: Image | None

    @property
    def key(self) -> str:
        parts = (VERSION, self.title, self.price, *self.lines, self.photo.key if self.photo else "")
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]

    @property
    def path(self) -> str:
        return f"share/{self.key[:2]}/{self.key}.jpg"


def product_card(product: Product) -> Card:
    """The product's card: its first photo, name, price (or price range) and group."""
    if product.price_min is None:
        price = ""
    elif product.price_max and product.price_max != product.price_min:
        price = _("from %(price)s", price=rupiah(product.price_min))
    else:
        price = rupiah(product.price_min)
    group = product.group
    return Card(
        title=product.name,
        price=price,
        lines=(group.name, group.place),
        photo=_shown(product.cover_photo.image if product.cover_photo else None),
    )


def group_card(group: Group) -> Card:
    """The group's card: its logo (square, like the space for it; a wide cover
    would lose its middle), else its cover, then name, programme and region."""
    return Card(
        title=group.name,
        price="",
        lines=(str(group.programme.label), group.place),
        photo=_shown(group.logo) or _shown(group.cover),
    )


# The pages that list things (home, catalogue, group directory, exhibitions)
# have a card of their own: what the page is, in the page's language.
SITE_PAGES = ("home", "catalogue", "groups", "exhibitions")


def site_card(page: str) -> Card:
    """The card of a site page in `SITE_PAGES`: its name and what it offers;
    also what any other public page without a picture of its own shows."""
    title, line = {
        "home": (
            _("Local products, straight from the groups that make them"),
            _("Snacks, crafts and more from community enterprise groups across Indonesia."),
        ),
        "catalogue": (
            _("Product catalogue"),
            _("Products of community enterprise groups across Indonesia: order from the group."),
        ),
        "groups": (
            _("Community enterprise groups"),
            _("Groups across Indonesia and their shops: what they make and where they are."),
        ),
        "exhibitions": (
            _("Virtual exhibitions"),
            _("Products and groups chosen by programme coordinators, for a limited time."),
        ),
    }[page]
    return Card(title=title, price="", lines=(line,), photo=None)


def _shown(image: Image | None) -> Image | None:
    """A photo whose variants exist; until then the card is drawn without it
    (and gets a new key, so a new picture, once the photo is ready)."""
    return image if image is not None and image.ready else None


def stored_path(card: Card) -> str:
    """The card's file in storage, drawn and saved the first time it is asked for."""
    storage = get_storage()
    if not storage.exists(card.path):
        storage.save(card.path, draw(card), "image/jpeg")
    return card.path


SHARE_PATH = re.compile(r"share/[0-9a-f]{2}/([0-9a-f]{32})\.jpg")


def current_keys() -> set[str]:
    """The key of every share image a public page links to now, in every
    language (the price line is written in the page's language)."""
    group_place = (joinedload(Group.regency), joinedload(Group.province))
    groups = list(
        db.session.scalars(
            select(Group).where(Group.status == GroupStatus.ACTIVE).options(*group_place)
        )
    )
    products = list(
        db.session.scalars(
            select(Product)
            .join(Group, Group.id == Product.group_id)
            .where(publicly_visible())
            .options(selectinload(Product.photos), joinedload(Product.group))
        )
    )
    keys: set[str] = set()
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            keys.update(group_card(group).key for group in groups)
            keys.update(product_card(product).key for product in products)
            keys.update(site_card(page).key for page in SITE_PAGES)
    return keys


def sweep_stale(older_than: timedelta) -> int:
    """Delete stored share images no page links to any more (the product's
    price, name or photo changed, or it left the public site) that are older
    than `older_than`. Their old URLs redirect to the current picture, which
    is drawn again when asked for. Returns how many files went."""
    cutoff = utcnow() - older_than
    keep = current_keys()
    storage = get_storage()
    removed = 0
    for stored in storage.iter_files():
        match = SHARE_PATH.fullmatch(stored.path)
        if match is None or stored.modified >= cutoff or match.group(1) in keep:
            continue
        if storage.delete(stored.path):
            removed += 1
    return removed


def join_media(state) -> None:
    """What sharing adds to the media package, registered by the sharing
    blueprint (bp.record_once): stale share images go with the media sweep,
    daily and by `flask media sweep`; a public photo whose variants are ready
    has the share images that show it drawn again."""
    register_sweep(
        state.app, Sweep("share images", sweep_stale, report="{} share images no page links to")
    )
    on_public_photo_ready(state.app, "shop.sharing.jobs.prerender_image")


def draw(card: Card) -> bytes:
    canvas = PILImage.new("RGB", SIZE, PAPER)
    pen = ImageDraw.Draw(canvas)
    photo_box = 630 if card.photo is not None else 0
    if card.photo is not None:
        canvas.paste(_photo(card.photo, photo_box), (0, 0))
    left, right = photo_box + 56, SIZE[0] - 56
    width = right - left
    y = 70
    for line in _wrap(card.title, _font(64, bold=True), width, pen)[:3]:
        pen.text((left, y), line, font=_font(64, bold=True), fill=INK)
        y += 78
    if card.price:
        y += 14
        pen.text((left, y), card.price, font=_font(52, bold=True), fill=BRAND)
        y += 72
    y += 18
    for line in card.lines:
        for part in _wrap(line, _font(34), width, pen)[:2]:
            pen.text((left, y), part, font=_font(34), fill=MUTED)
            y += 44
    # The mark: a band at the foot of the text side.
    pen.rectangle((photo_box, SIZE[1] - 84, SIZE[0], SIZE[1]), fill=BRAND)
    pen.text((left, SIZE[1] - 66), "Etalase", font=_font(44, bold=True), fill=(255, 255, 255))
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def _photo(image: Image, side: int) -> PILImage.Image:
    """The largest stored variant, cropped to a square from its centre."""
    storage = get_storage()
    variant = image.path_for(max(image.width_list))
    with PILImage.open(io.BytesIO(storage.read(variant))) as source:
        source = source.convert("RGB")
        w, h = source.size
        edge = min(w, h)
        box = ((w - edge) // 2, (h - edge) // 2, (w + edge) // 2, (h + edge) // 2)
        return source.crop(box).resize((side, side), PILImage.Resampling.LANCZOS)


def _wrap(text: str, font, width: int, pen: ImageDraw.ImageDraw) -> list[str]:
    """Words onto lines no wider than `width`; a word too long for a line is cut."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if pen.textlength(trial, font=font) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        while pen.textlength(word, font=font) > width and len(word) > 1:
            word = word[:-1]
        current = word
    if current:
        lines.append(current)
    return lines


@lru_cache(maxsize=16)
def _font(size: int, bold: bool = False):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:  # no DejaVu on this machine: Pillow's own font
        return ImageFont.load_default(size=size)
