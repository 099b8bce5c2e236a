"""Share links on product, group and exhibition pages: plain links to
WhatsApp and Facebook and a copy box, no third-party scripts."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

from shop.catalogue.services import refresh_derived
from tests.factories import ExhibitionFactory, GroupFactory, ProductFactory, VariantFactory

BASE = "http://etalase.test"


def share_section(body: str) -> str:
    start = body.index('<section class="share"')
    return body[start : body.index("</section>", start)]


def hrefs(section: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', section)]


def check_share(body: str, url: str, text: str):
    section = share_section(body)
    links = hrefs(section)
    whatsapp = next(h for h in links if h.startswith("https://wa.me/?"))
    assert parse_qs(urlsplit(whatsapp).query)["text"] == [f"{text}\n{url}"]
    facebook = next(h for h in links if h.startswith("https://www.facebook.com/sharer/"))
    assert parse_qs(urlsplit(facebook).query)["u"] == [url]
    assert f'value="{url}"' in section and "readonly" in section
    assert 'role="status"' in section and 'aria-live="polite"' in section
    # Every control has a name of its own (the visible text).
    names = re.findall(r"<a [^>]*>([^<]+)</a>", section)
    assert len(names) == 2 and "WhatsApp" in names[0] and "Facebook" in names[1]
    assert '<label for="share-url">' in section
    # No third-party scripts anywhere on the page.
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", body)
    assert all(src.startswith("/static/") for src in scripts)


def test_product_page_share_links(client):
    product = ProductFactory(name="Kerupuk Lele & Udang")
    VariantFactory(product=product)
    refresh_derived(product)
    body = client.get(f"/k/{product.group.slug}/{product.slug}").get_data(as_text=True)
    check_share(
        body,
        f"{BASE}/k/{product.group.slug}/{product.slug}",
        f"Kerupuk Lele & Udang · {product.group.name}",
    )


def test_group_page_share_links(client):
    group = GroupFactory(name="Kelompok Rajut Ceria")
    body = client.get(f"/k/{group.slug}").get_data(as_text=True)
    check_share(body, f"{BASE}/k/{group.slug}", "Kelompok Rajut Ceria")


def test_exhibition_page_share_links(client):
    ExhibitionFactory(
        slug="pameran-bagikan",
        title="Pameran Bagikan",
        ends_on=date.today() + timedelta(days=3),
        is_published=True,
    )
    body = client.get("/pameran/pameran-bagikan").get_data(as_text=True)
    check_share(body, f"{BASE}/pameran/pameran-bagikan", "Pameran Bagikan")


def test_copy_button_is_added_by_script_only(client):
    group = GroupFactory()
    section = share_section(client.get(f"/k/{group.slug}").get_data(as_text=True))
    assert re.search(r"<button[^>]*\bhidden\b[^>]*data-copy-target=\"share-url\"", section)
