"""Share images at URLs that carry their key: `/bagikan/k/<group>/<key>.jpg`,
`/bagikan/k/<group>/<product>/<key>.jpg` and, for the site's list pages,
`/bagikan/situs/<page>/<language>/<key>.jpg`.

A URL with an old key (the price or photo changed since the link was shared)
redirects to the current picture, so a preview cached by WhatsApp never
breaks; the current one is served for a year, immutable, like image variants.
"""

from __future__ import annotations

from flask import Response, abort, current_app, redirect, send_file, url_for
from flask_babel import force_locale

from shop.catalogue.models import Product
from shop.catalogue.queries import get_public_product_or_404
from shop.groups.models import Group
from shop.groups.queries import get_public_group_or_404
from shop.media.storage import get_storage
from shop.sharing.images import (
    SITE_PAGES,
    SIZE,
    Card,
    group_card,
    product_card,
    site_card,
    stored_path,
)

ONE_YEAR = 365 * 24 * 60 * 60


def _serve(card: Card, key: str, current_url: str) -> Response:
    """The card's picture, drawn into the storage the first time. A storage
    that cannot be reached is an empty 503 with Retry-After (shop.errors)."""
    if key != card.key:
        return redirect(current_url, 302)
    response = send_file(
        get_storage().open(stored_path(card)),
        mimetype="image/jpeg",
        max_age=ONE_YEAR,
        conditional=True,
        etag=card.key,
    )
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def group_image(group_slug: str, key: str):
    group = get_public_group_or_404(group_slug)
    return _serve(group_card(group), key, share_image_url(group))


def product_image(group_slug: str, product_slug: str, key: str):
    product = get_public_product_or_404(group_slug, product_slug)
    return _serve(product_card(product), key, share_image_url(product))


def site_image(page: str, lang: str, key: str):
    """A site page's card in the language its URL names: a link preview's
    crawler has no session, and each language has its own picture."""
    if page not in SITE_PAGES or lang not in current_app.config["LANGUAGES"]:
        abort(404)
    with force_locale(lang):
        card = site_card(page)
        current = url_for("sharing.site_image", page=page, lang=lang, key=card.key)
    return _serve(card, key, current)


def share_image_url(thing: Product | Group) -> str:
    """The absolute-path URL of the share image for a product or a group."""
    if isinstance(thing, Product):
        card = product_card(thing)
        return url_for(
            "sharing.product_image",
            group_slug=thing.group.slug,
            product_slug=thing.slug,
            key=card.key,
        )
    if isinstance(thing, Group):
        return url_for("sharing.group_image", group_slug=thing.slug, key=group_card(thing).key)
    abort(404)


def share_image_size() -> tuple[int, int]:
    return SIZE
