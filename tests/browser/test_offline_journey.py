"""Offline and saving data in a real browser at phone size: a buyer with a cart opens the home
page, a catalogue page and a product, loses the connection and reloads each:
every one is readable, with the "Anda sedang offline" banner and without the
cart count (the worker keeps only the page everyone sees); the cart page says
it needs a connection."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import t
from tests.conftest import live_site

PRODUCT = "/k/kelompok-luring/abon-luring"
CATALOGUE = "/katalog?kategori=makanan"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with live_site(tmp_path_factory, "offline", _seed) as (app, url, _):
        yield app, url


def _seed() -> None:
    from shop.catalogue.services import refresh_derived
    from tests.factories import GroupFactory, ProductFactory, ProductPhotoFactory, VariantFactory

    group = GroupFactory(name="Kelompok Luring", slug="kelompok-luring")
    product = ProductFactory(
        group=group, name="Abon Luring", slug="abon-luring", category="makanan"
    )
    VariantFactory(product=product, label="100 g", price=23000, stock=5)
    ProductPhotoFactory(product=product)
    refresh_derived(product)


def _kept(page, path: str) -> None:
    """Wait until the worker has kept `path` (it keeps it after the answer)."""
    page.wait_for_function(
        """(path) => caches.open("etalase-pages")
             .then((cache) => cache.match(new URL(path, location.href).href))
             .then((found) => { window.__kept = !!found; })
             .then(() => window.__kept)""",
        arg=path,
        polling=200,
        timeout=15_000,
    )


def test_pages_seen_are_readable_offline_and_personal_ones_say_they_need_a_connection(
    browser, site
):
    app, url = site
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(url + PRODUCT)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("!!navigator.serviceWorker.controller", timeout=15_000)
    _kept(page, PRODUCT)  # the first page, kept at the worker's start

    page.get_by_role("button", name=t(app, "Add to cart")).click()
    page.wait_for_load_state()
    expect(page.locator(".nav-count")).to_have_text("1")

    for path in ("/", CATALOGUE):
        page.goto(url + path)
        expect(page.locator(".nav-count")).to_have_text("1")
        _kept(page, path)

    banner = t(
        app,
        "You are offline: this page is as you last saw it; prices and stock may have changed.",
    )
    expect(page.locator(".offline-banner")).to_be_hidden()
    context.set_offline(True)
    for path, text in (("/", None), (CATALOGUE, "Abon Luring"), (PRODUCT, "Abon Luring")):
        page.goto(url + path)
        expect(page.locator(".offline-banner")).to_have_text(banner)
        expect(page.locator(".offline-banner")).to_be_visible()
        if text:
            expect(page.locator("main")).to_contain_text(text)
        # The page as everyone sees it: no cart count, the log-in link.
        expect(page.locator(".nav-count")).to_have_count(0)
        page.reload()
        expect(page.locator(".offline-banner")).to_be_visible()

    page.goto(url + "/keranjang")
    expect(page.locator("h1")).to_have_text(t(app, "This page needs a connection"))
    expect(page.locator(".offline-banner")).to_have_text(t(app, "You are offline."))
    expect(page.locator("main")).not_to_contain_text("Abon Luring")

    context.set_offline(False)
    page.goto(url + "/keranjang")
    expect(page.locator(".offline-banner")).to_be_hidden()
    expect(page.locator("main")).to_contain_text("Abon Luring")
    assert problems == []
    context.close()


def test_with_save_data_a_photo_loads_on_the_first_tap_and_the_second_opens_it(browser, site):
    app, url = site
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, extra_http_headers={"Save-Data": "on"}
    )
    page = context.new_page()
    page.goto(url + CATALOGUE)
    expect(page.locator(".saver-notice")).to_contain_text(
        t(app, "Data saver is on: tap a photo to load it.")
    )
    photo = page.locator("main .card img").first
    smallest = photo.get_attribute("data-saver-src")
    assert smallest and smallest.endswith("-320.webp")
    assert "photo-saver.svg" in photo.get_attribute("src")
    photo.click()
    expect(photo).to_have_attribute("src", smallest)
    assert page.url == url + CATALOGUE  # the tap loaded the photo, did not open the product
    photo.click()
    page.wait_for_url(url + PRODUCT)

    page.get_by_role("link", name=t(app, "Show all photos")).click()
    page.wait_for_url(url + PRODUCT)
    expect(page.locator(".saver-notice")).to_be_hidden()
    expect(page.locator("main img[srcset]").first).to_be_attached()
    context.close()
