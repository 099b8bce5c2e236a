"""What a public page says about itself to search engines and link previews:
its canonical address and language alternates, OpenGraph and Twitter card
data, schema.org JSON-LD, and plain share links.

Templates read these through globals registered on the site blueprint; the
tags themselves are written once, in `templates/_macros/meta.html`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

from flask import current_app, request
from flask_babel import get_locale
from markupsafe import Markup

from shop.core.templating import absolute_url
from shop.groups.ordering import takes_orders
from shop.i18n.locale import PARAM
from shop.media.models import Image

# Query parameters that change what a page shows, per endpoint, in the order
# the canonical URL lists them. Everything else (utm_*, fbclid, hl, junk)
# is dropped, so one page has one address.
CANONICAL_ARGS: dict[str, tuple[str, ...]] = {
    "catalogue.index": (
        "q",
        "kategori",
        "program",
        "provinsi",
        "kabupaten",
        "harga_min",
        "harga_max",
        "tersedia",
        "urut",
        "page",
    ),
    "catalogue.directory": ("program", "provinsi", "page"),
    "catalogue.shop_page": ("page",),
    "exhibitions.index": ("page",),
}

OG_LOCALES = {"id": "id_ID", "en": "en_US"}
SCHEMA = "https://schema.org/"


@dataclass(frozen=True)
class PageLinks:
    canonical: str
    alternates: list[tuple[str, str]]  # (hreflang, absolute URL), x-default last
    og_locale: str
    og_locale_alternates: list[str]


def _meaningful_args(endpoint: str) -> dict[str, str]:
    kept: dict[str, str] = {}
    args = request.args
    for name in CANONICAL_ARGS.get(endpoint, ()):
        # `in` first: a missing key costs MultiDict.get a raised KeyError.
        if name not in args:
            continue
        value = args[name].strip()
        if name == "page" and value == "1":
            continue
        if value:
            kept[name] = value
    return kept


def page_links() -> PageLinks:
    """The canonical URL of the page being rendered and its id/en alternates.

    Indonesian lives at the plain address (what a visitor without a cookie
    gets, hence also x-default); English at the same address with `?hl=en`.
    The canonical URL is the address of the language the page is in."""
    endpoint = request.endpoint or "site.home"
    values = {**(request.view_args or {}), **_meaningful_args(endpoint)}
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    by_language = {
        code: absolute_url(endpoint, **values)
        if code == default
        else absolute_url(endpoint, **values, **{PARAM: code})
        for code in languages
    }
    current = str(get_locale())
    return PageLinks(
        canonical=by_language.get(current, by_language[default]),
        alternates=[*by_language.items(), ("x-default", by_language[default])],
        og_locale=OG_LOCALES.get(current, current),
        og_locale_alternates=[OG_LOCALES.get(c, c) for c in languages if c != current],
    )


@dataclass(frozen=True)
class SharedImage:
    url: str
    width: int
    height: int
    type: str = "image/webp"
    alt: str = ""


def og_image(image: Image | None) -> SharedImage | None:
    """The widest stored WebP variant of an image, absolute, with its size."""
    if image is None or not image.width_list:
        return None
    width = image.width_list[-1]
    height = max(1, round(width * image.height / image.width))
    return SharedImage(absolute_url("media.file", path=image.path_for(width)), width, height)


def share_card(thing) -> SharedImage:
    """The 1200×630 share image of a product, a group or a site page (a name
    in shop.sharing.images.SITE_PAGES): what a link preview shows, so it is
    the page's og:image where there is one."""
    from shop.catalogue.models import Product
    from shop.sharing.images import SIZE, group_card, product_card, site_card

    if isinstance(thing, str):
        card = site_card(thing)
        url = absolute_url("sharing.site_image", page=thing, lang=str(get_locale()), key=card.key)
        return SharedImage(url, *SIZE, type="image/jpeg", alt=card.title)
    elif isinstance(thing, Product):
        url = absolute_url(
            "sharing.product_image",
            group_slug=thing.group.slug,
            product_slug=thing.slug,
            key=product_card(thing).key,
        )
    else:
        url = absolute_url("sharing.group_image", group_slug=thing.slug, key=group_card(thing).key)
    return SharedImage(url, *SIZE, type="image/jpeg")


def json_ld(data: dict) -> Markup:
    """JSON for a `<script type="application/ld+json">` element.

    `<`, `>` and `&` become JSON escapes, so no text in the data (a product
    named `</script><script>…`) can close the element or open a comment;
    JSON parsers read the escapes back as the same characters."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def _availability(product, variant) -> str:
    if product.catalogue_only:
        return SCHEMA + "InStoreOnly"
    if not takes_orders(product.group):
        return SCHEMA + "OutOfStock"
    if variant.made_to_order:
        return SCHEMA + "MadeToOrder"
    return SCHEMA + ("InStock" if variant.available else "OutOfStock")


def public_group_url(group) -> str:
    return absolute_url("catalogue.shop_page", slug=group.slug)


def public_product_url(product) -> str:
    return absolute_url(
        "catalogue.product", group_slug=product.group.slug, product_slug=product.slug
    )


def _organization_ref(group) -> dict:
    return {"@type": "Organization", "name": group.name, "url": public_group_url(group)}


def product_json_ld(product) -> dict:
    """schema.org Product with one Offer per variant, priced in whole rupiah."""
    url = public_product_url(product)
    images = [og_image(photo.image) for photo in product.photos]
    # One reference, written three times and more: its URL is built once.
    group = _organization_ref(product.group)
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": url,
        "category": str(product.category.label),
        "brand": group,
        "manufacturer": group,
        "offers": [
            {
                "@type": "Offer",
                "sku": str(variant.id),
                "name": variant.label,
                "price": variant.price,
                "priceCurrency": "IDR",
                "availability": _availability(product, variant),
                "url": url,
                "seller": group,
            }
            for variant in product.variants
        ],
    }
    if product.description:
        data["description"] = product.description
    if images:
        data["image"] = [image.url for image in images if image]
    if len(product.variants) == 1:
        data["sku"] = str(product.variants[0].id)
    return data


def group_json_ld(group) -> dict:
    """schema.org Organization: what the group page shows about the group."""
    locality = group.regency.name
    if group.district:
        locality = f"{group.district.name}, {locality}"
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": group.name,
        "url": public_group_url(group),
        "address": {
            "@type": "PostalAddress",
            "addressLocality": locality,
            "addressRegion": group.province.name,
            "addressCountry": "ID",
        },
    }
    if group.story:
        data["description"] = group.story
    logo = og_image(group.logo)
    if logo:
        data["logo"] = logo.url
    cover = og_image(group.cover)
    if cover:
        data["image"] = cover.url
    if group.whatsapp:
        data["telephone"] = group.whatsapp
    if group.founded_year:
        data["foundingDate"] = str(group.founded_year)
    return data


@dataclass(frozen=True)
class ShareLinks:
    url: str
    whatsapp: str
    facebook: str


def share_links(url: str, text: str) -> ShareLinks:
    """Plain links that open WhatsApp or Facebook with the page to share;
    nothing is loaded from either site until the visitor taps."""
    return ShareLinks(
        url=url,
        whatsapp="https://wa.me/?text=" + quote(f"{text}\n{url}", safe=""),
        facebook="https://www.facebook.com/sharer/sharer.php?u=" + quote(url, safe=""),
    )


def register(bp) -> None:
    for helper in (
        page_links,
        og_image,
        share_card,
        json_ld,
        product_json_ld,
        group_json_ld,
        share_links,
        public_product_url,
        public_group_url,
    ):
        bp.add_app_template_global(helper)
