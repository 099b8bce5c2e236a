"""sitemap.xml: an index of chunked sitemaps of everything the public can see.

`/sitemap.xml` lists `/sitemap-<kind>-<n>.xml` for the fixed pages, groups,
products and exhibitions, each chunk at most SITEMAP_CHUNK_SIZE addresses
(10,000; the protocol allows 50,000). Every address comes with its English
alternate (`?hl=en`) and the time its row last changed. The index costs one
query and a chunk one (two for the fixed pages), however many rows there are;
rows are streamed, and both are kept by the page cache like any public page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

from flask import abort, current_app
from sqlalchemy import func, select

from shop.catalogue.models import Product
from shop.catalogue.queries import publicly_visible
from shop.core.cache import public_page
from shop.core.templating import absolute_url
from shop.curation.models import Exhibition
from shop.extensions import db
from shop.groups.models import Group, GroupStatus
from shop.i18n.locale import PARAM

DEFAULT_CHUNK_SIZE = 10_000
STREAM_ROWS = 1_000
KINDS = ("pages", "groups", "products", "exhibitions")
# The fixed public pages, and which table's latest change dates each.
PAGES = (
    ("site.home", "products"),
    ("catalogue.index", "products"),
    ("catalogue.directory", "groups"),
    ("exhibitions.index", "exhibitions"),
)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"

Row = tuple[str, dict, datetime | None]  # endpoint, URL values, last change


def chunk_size() -> int:
    return max(1, int(current_app.config.get("SITEMAP_CHUNK_SIZE", DEFAULT_CHUNK_SIZE)))


def _public_groups():
    return Group.status == GroupStatus.ACTIVE


def _published_exhibitions():
    return Exhibition.is_published.is_(True)


def _totals_and_changes() -> dict[str, tuple[int, datetime | None]]:
    """Per kind, how many rows and when the latest changed: one query."""
    product_rows = select(Product.id).join(Product.group).where(publicly_visible())
    product_change = (
        select(func.max(Product.updated_at)).join(Product.group).where(publicly_visible())
    )
    row = db.session.execute(
        select(
            select(func.count()).select_from(Group).where(_public_groups()).scalar_subquery(),
            select(func.max(Group.updated_at)).where(_public_groups()).scalar_subquery(),
            select(func.count()).select_from(product_rows.subquery()).scalar_subquery(),
            product_change.scalar_subquery(),
            select(func.count())
            .select_from(Exhibition)
            .where(_published_exhibitions())
            .scalar_subquery(),
            select(func.max(Exhibition.updated_at))
            .where(_published_exhibitions())
            .scalar_subquery(),
        )
    ).one()
    return {
        "pages": (len(PAGES), None),
        "groups": (row[0], row[1]),
        "products": (row[2], row[3]),
        "exhibitions": (row[4], row[5]),
    }


def _stream(stmt) -> Iterator:
    return iter(db.session.execute(stmt.execution_options(yield_per=STREAM_ROWS)))


def _page_rows(offset: int, limit: int) -> Iterable[Row]:
    pages = PAGES[offset : offset + limit]
    if not pages:
        return []
    changes = {kind: change for kind, (_, change) in _totals_and_changes().items()}
    return [(endpoint, {}, changes[kind]) for endpoint, kind in pages]


def _group_rows(offset: int, limit: int) -> Iterable[Row]:
    stmt = (
        select(Group.slug, Group.updated_at)
        .where(_public_groups())
        .order_by(Group.id)
        .offset(offset)
        .limit(limit)
    )
    for slug, changed in _stream(stmt):
        yield "catalogue.shop_page", {"slug": slug}, changed


def _product_rows(offset: int, limit: int) -> Iterable[Row]:
    stmt = (
        select(Group.slug, Product.slug, Product.updated_at)
        .join(Product.group)
        .where(publicly_visible())
        .order_by(Product.id)
        .offset(offset)
        .limit(limit)
    )
    for group_slug, product_slug, changed in _stream(stmt):
        yield "catalogue.product", {"group_slug": group_slug, "product_slug": product_slug}, changed


def _exhibition_rows(offset: int, limit: int) -> Iterable[Row]:
    stmt = (
        select(Exhibition.slug, Exhibition.updated_at)
        .where(_published_exhibitions())
        .order_by(Exhibition.id)
        .offset(offset)
        .limit(limit)
    )
    for slug, changed in _stream(stmt):
        yield "exhibitions.show", {"slug": slug}, changed


ROWS = {
    "pages": _page_rows,
    "groups": _group_rows,
    "products": _product_rows,
    "exhibitions": _exhibition_rows,
}


def _w3c(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _xml_response(body: str):
    response = current_app.response_class(body, mimetype="application/xml")
    response.charset = "utf-8"
    return response


@public_page
def sitemap_index():
    size = chunk_size()
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for kind, (total, changed) in _totals_and_changes().items():
        for number in range(1, -(-total // size) + 1):
            url = absolute_url("site.sitemap_chunk", kind=kind, number=number)
            parts.append(f"  <sitemap><loc>{escape(url)}</loc>")
            if changed:
                parts.append(f"<lastmod>{_w3c(changed)}</lastmod>")
            parts.append("</sitemap>\n")
    parts.append("</sitemapindex>\n")
    return _xml_response("".join(parts))


@public_page
def sitemap_chunk(kind: str, number: int):
    if number < 1:
        abort(404)
    size = chunk_size()
    rows = ROWS[kind]((number - 1) * size, size)
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    others = [code for code in current_app.config["LANGUAGES"] if code != default]
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">\n',
    ]
    count = 0
    for endpoint, values, changed in rows:
        count += 1
        url = absolute_url(endpoint, **values)
        # The plain address is Indonesian (and x-default); others add ?hl=.
        separator = "&" if "?" in url else "?"
        alternates = [(default, url), *((c, f"{url}{separator}{PARAM}={c}") for c in others)]
        alternates.append(("x-default", url))
        parts.append(f"  <url>\n    <loc>{escape(url)}</loc>\n")
        if changed:
            parts.append(f"    <lastmod>{_w3c(changed)}</lastmod>\n")
        for code, href in alternates:
            parts.append(
                f'    <xhtml:link rel="alternate" hreflang="{code}" href={quoteattr(href)}/>\n'
            )
        parts.append("  </url>\n")
    if count == 0 and number > 1:
        abort(404)
    parts.append("</urlset>\n")
    return _xml_response("".join(parts))
