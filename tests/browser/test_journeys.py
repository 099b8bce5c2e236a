"""The issue's journeys in a real browser at phone size (390×844), with and without JavaScript.

A new member signs up, creates a group, adds a product with a photo and
packaging details and publishes it; a buyer finds it by search and opens it.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

PHOTO = Path(__file__).resolve().parents[1] / "fixtures" / "images" / "exif_gps_rotated.jpg"
_numbers = itertools.count(1)


def _signup(page: Page, base: str, phone: str) -> None:
    page.goto(f"{base}/daftar")
    page.fill("main [name=name]", "Ibu Sulastri")
    page.fill("main [name=login]", phone)
    page.fill("main [name=password]", "lele-renyah-2026")
    page.fill("main [name=confirm]", "lele-renyah-2026")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/kelola")


def _create_group(page: Page, base: str, name: str, *, javascript: bool) -> None:
    page.goto(f"{base}/kelola/kelompok-baru")
    page.fill("main [name=name]", name)
    page.select_option("main [name=programme]", "uppka")
    page.select_option("main [name=province]", "15")
    if not javascript:
        # Without JavaScript the picker lists the regencies after a round trip.
        page.locator("[name=region_refresh]").click()
        expect(page.locator("[name=province]")).to_have_value("15")
    page.select_option("main [name=regency]", "15.71")
    if not javascript:
        page.locator("[name=region_refresh]").click()
    page.select_option("main [name=district]", "15.71.01")
    page.fill("main [name=story]", "Kelompok UPPKA ibu-ibu Telanaipura yang membuat keripik tempe.")
    page.fill("main [name=whatsapp]", "0812-7000-1234")
    page.locator("main form button[type=submit]:not([name])").click()
    expect(page.locator("h1")).to_have_count(1)
    assert "/kelola/" in page.url and page.url.rstrip("/") != f"{base}/kelola"


def _add_product(page: Page, product: str) -> None:
    page.locator("a[href$='/produk/baru']").first.click()
    page.fill("main [name=name]", product)
    page.select_option("main [name=category]", "makanan-ringan")
    page.fill("main [name=description]", "Keripik tempe sagu yang renyah, digoreng tanpa pengawet.")
    page.fill("main [name='variants-0-label']", "150 g")
    page.fill("main [name='variants-0-price']", "18.000")
    page.check("[name='variants-0-stock_mode'][value=stock]")
    page.fill("main [name='variants-0-stock']", "25")
    page.select_option("main [name=packaging_type]", "standing-pouch")
    page.fill("main [name=net_content]", "150")
    page.select_option("main [name=net_unit]", "g")
    page.fill("main [name=shelf_life]", "4")
    page.select_option("main [name=shelf_life_unit]", "bulan")
    page.fill("main [name=ingredients]", "Tempe, tepung sagu, bawang putih, garam.")
    page.fill("main [name=pirt_number]", "2061571010456-28")
    page.set_input_files("[name=photo]", str(PHOTO))
    page.fill("main [name=photo_alt]", "Keripik tempe dalam kemasan standing pouch")
    page.locator("button[name=publish][value='1']").click()
    expect(page.locator(".flash-success")).to_contain_text(product)


def _buyer_finds_it(page: Page, base: str, product: str) -> None:
    page.goto(base + "/")
    page.fill("main [name=q]", "kripik tempe")
    page.locator("form[role=search] button[type=submit]").click()
    card = page.locator(".product-card", has_text=product)
    expect(card).to_be_visible()
    card.locator("a").first.click()
    expect(page.locator("h1")).to_have_text(product)
    expect(page.locator(".variants")).to_contain_text("Rp18.000")
    expect(page.locator(".packaging")).to_contain_text("2061571010456-28")
    expect(page.locator(".packaging")).to_contain_text("4 bulan")
    expect(page.locator(".gallery img").first).to_have_attribute(
        "alt", "Keripik tempe dalam kemasan standing pouch"
    )
    wa = page.locator("a[href^='https://wa.me/6281270001234']")
    expect(wa).to_have_count(1)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide: horizontal scroll on a phone"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_member_publishes_and_buyer_finds_it(
    browser, browser_context_args, live_server, javascript
):
    n = next(_numbers)
    context = browser.new_context(**browser_context_args, java_script_enabled=javascript)
    page = context.new_page()
    product = f"Keripik Tempe Sagu {n}"
    _signup(page, live_server, f"0812-7000-{5000 + n}")
    _create_group(page, live_server, f"UPPKA Melati Telanaipura {n}", javascript=javascript)
    _add_product(page, product)
    page.locator("footer button[type=submit]").click()  # log out
    _buyer_finds_it(page, live_server, product)
    page.screenshot(path=str(Path(live_server_artifacts()) / f"product-{n}.png"), full_page=True)
    context.close()


def live_server_artifacts() -> str:
    out = Path(__file__).resolve().parents[2] / "test-results"
    out.mkdir(exist_ok=True)
    return str(out)
