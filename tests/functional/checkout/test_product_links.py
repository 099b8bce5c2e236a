"""The product page's links out: back from a refused "add to cart", and the
WhatsApp message to the seller."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from shop.catalogue.services import refresh_derived
from tests.factories import GroupFactory, ProductFactory, VariantFactory

NAME = 'Kue "Nastar" <Spesial> & Co'


@pytest.fixture
def nastar():
    group = GroupFactory(name="Kelompok Kue & Roti", whatsapp="+6281234567890")
    product = ProductFactory(group=group, name=NAME, slug="kue-nastar")
    variant = VariantFactory(product=product, price=45000, stock=10, min_order_qty=2)
    refresh_derived(product)
    return variant


def product_path(variant) -> str:
    return f"/k/{variant.product.group.slug}/{variant.product.slug}"


def add(client, variant, quantity="1", headers=None, **data):
    return client.open(
        "/keranjang/tambah",
        method="POST",
        data={"variant": str(variant), "quantity": quantity, **data},
        headers=headers or {},
    )


def test_a_refused_add_without_a_referer_returns_to_the_product(client, nastar):
    # Below the minimum order, from a browser that sends Origin but no Referer.
    refused = add(client, nastar.id, "1", {"Origin": "http://localhost"})
    assert refused.status_code == 302
    assert refused.headers["Location"] == product_path(nastar)


def test_a_refused_add_with_a_foreign_referer_returns_to_the_product(client, nastar):
    token = client.csrf_token()
    refused = add(
        client, nastar.id, "1", {"Referer": "https://evil.example/page"}, csrf_token=token
    )
    assert refused.status_code == 302
    assert refused.headers["Location"] == product_path(nastar)


def test_a_refused_add_returns_to_the_page_it_came_from_on_this_site(client, nastar):
    catalogue = "http://localhost/katalog?q=nastar"
    refused = add(client, nastar.id, "1", {"Origin": "http://localhost", "Referer": catalogue})
    assert refused.headers["Location"] == catalogue


def test_an_unreadable_add_without_a_referer_goes_to_the_cart(client, nastar):
    refused = add(client, "not-a-number", "1", {"Origin": "http://localhost"})
    assert refused.status_code == 302
    assert refused.headers["Location"] == "/keranjang"


def whatsapp_text(page: str) -> str:
    """The message of the page's link to the seller's WhatsApp number."""
    links = re.findall(r'href="(https://wa\.me/6281234567890\?[^"]+)"', page)
    assert len(links) == 1, links
    return parse_qs(urlsplit(unescape(links[0])).query)["text"][0]


def test_the_whatsapp_message_names_the_product_as_written(client, nastar):
    client.set_cookie("lang", "en")
    page = client.get(product_path(nastar)).get_data(as_text=True)
    text = whatsapp_text(page)
    assert f"I am interested in {NAME}:" in text
    assert "Kelompok Kue & Roti" in text
    assert "&#34;" not in text and "&amp;" not in text and "&lt;" not in text
    assert text.endswith(product_path(nastar))


def test_the_shop_page_whatsapp_message_names_the_group_as_written(client, nastar):
    client.set_cookie("lang", "en")
    page = client.get(f"/k/{nastar.product.group.slug}").get_data(as_text=True)
    assert whatsapp_text(page).startswith("Hello Kelompok Kue & Roti,")
