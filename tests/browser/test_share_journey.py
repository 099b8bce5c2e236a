"""Sharing in a real browser at phone size: a product page's preview data
(JSON-LD prices as on the page, share image) and the copy-link button, with
no console or CSP errors; without JavaScript the link is still there to copy."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.conftest import live_site


@pytest.fixture(scope="module")
def shop_with_product(tmp_path_factory):
    # Absolute links from the request host, so they point at this live server.
    with live_site(tmp_path_factory, "sharing", _seed, PUBLIC_URL="") as (_, url, _):
        yield url, "/k/kelompok-bagi-tautan/abon-tautan"


def _seed() -> None:
    from shop.catalogue.services import refresh_derived
    from tests.factories import GroupFactory, ProductFactory, VariantFactory

    group = GroupFactory(name="Kelompok Bagi Tautan", slug="kelompok-bagi-tautan")
    product = ProductFactory(group=group, name="Abon Tautan", slug="abon-tautan")
    VariantFactory(product=product, label="100 g", price=23000, stock=5)
    VariantFactory(product=product, label="250 g", price=52500, stock=None, position=1)
    refresh_derived(product)


def test_product_preview_data_and_copy_link(browser, shop_with_product):
    base, path = shop_with_product
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(base + path)

    data = json.loads(page.locator("script[type='application/ld+json']").text_content())
    prices = page.locator(".variants tbody td.nowrap").all_inner_texts()
    assert [f"Rp{int(o['price']):,}".replace(",", ".") for o in data["offers"]] == prices
    image = page.locator("meta[property='og:image']").get_attribute("content")
    response = page.request.get(image)
    assert response.ok and response.headers["content-type"] == "image/jpeg"

    button = page.get_by_role("button", name=page.locator("[data-copy-target]").inner_text())
    expect(button).to_be_visible()
    button.click()
    expect(page.get_by_role("status")).to_have_text(button.get_attribute("data-copied"))
    assert page.evaluate("navigator.clipboard.readText()") == base + path
    assert problems == []
    context.close()


def test_without_javascript_the_link_is_there_to_copy(browser, shop_with_product):
    base, path = shop_with_product
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(base + path)
    expect(page.locator("#share-url")).to_have_value(base + path)
    expect(page.locator("[data-copy-target]")).to_be_hidden()
    whatsapp = page.locator(".share a[href^='https://wa.me/?text=']")
    expect(whatsapp).to_be_visible()
    context.close()
