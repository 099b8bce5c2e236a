"""Two tabs of one cart in Chromium, both pressing "Place order" at the same
moment: one set of orders, stock taken once, both tabs on the same
confirmation. A tab left showing an older cart orders nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from shop.catalogue.models import ProductStatus, Variant
from shop.catalogue.services import refresh_derived, set_status
from shop.extensions import db
from shop.orders.models import Order
from tests.conftest import live_site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with live_site(tmp_path_factory, "twotabs", _seed) as (app, url, (products, variants)):
        yield {"app": app, "url": url, "products": products, "variants": variants}


def _seed() -> tuple[dict, dict]:
    from tests.factories import GroupFactory, ProductFactory, VariantFactory

    products, variants = {}, {}
    for group_name, name in (
        ("Kelompok Abon Dua Tab", "Abon Lele Pedas"),
        ("Kelompok Kue Dua Tab", "Kue Nastar"),
        ("Kelompok Kerupuk Dua Tab", "Kerupuk Lele"),
    ):
        group = GroupFactory(name=group_name)
        product = ProductFactory(group=group, name=name, status=ProductStatus.DRAFT)
        variant = VariantFactory(product=product, price=25000, stock=10, min_order_qty=1)
        set_status(product, ProductStatus.PUBLISHED)
        refresh_derived(product)
        products[name] = f"/k/{group.slug}/{product.slug}"
        variants[name] = variant.id
    return products, variants


def add(page: Page, url: str) -> None:
    page.goto(url)
    page.locator("form.add-to-cart button[type=submit]").click()
    expect(page.locator("h1")).to_have_count(1)


def fill_checkout(page: Page, base: str) -> None:
    page.goto(f"{base}/checkout")
    page.fill("main [name=name]", "Bu Ani")
    page.fill("main [name=phone]", "0812-3456-7890")
    page.select_option("main [name=province]", "15")
    page.select_option("main [name=regency]", "15.71")


def stock(site, name: str) -> int:
    with site["app"].app_context():
        return db.session.get(Variant, site["variants"][name]).stock


def orders(site) -> int:
    with site["app"].app_context():
        return db.session.scalar(select(func.count()).select_from(Order))


def test_two_tabs_of_one_cart_place_one_set_of_orders(browser, browser_context_args, site):
    base = site["url"]
    context = browser.new_context(**browser_context_args)
    first = context.new_page()
    for name in ("Abon Lele Pedas", "Kue Nastar"):
        add(first, base + site["products"][name])
    second = context.new_page()  # a second tab of the same browser: same cart
    fill_checkout(first, base)
    fill_checkout(second, base)

    # Both pressed at once: the two submissions leave before either answers.
    for tab in (first, second):
        tab.evaluate("document.querySelector('form.checkout-form').requestSubmit()")
    for tab in (first, second):
        tab.wait_for_url("**/pesanan/*")
        expect(tab.locator("a[href*='/lacak/ET-']")).to_have_count(2)

    assert first.url == second.url
    assert orders(site) == 2  # one order per group, once
    assert stock(site, "Abon Lele Pedas") == 9
    assert stock(site, "Kue Nastar") == 9
    context.close()


def test_a_tab_showing_an_older_cart_orders_nothing(browser, browser_context_args, site):
    base = site["url"]
    before = orders(site)
    context = browser.new_context(**browser_context_args)
    context.add_cookies([{"name": "lang", "value": "en", "url": base}])
    first = context.new_page()
    add(first, base + site["products"]["Abon Lele Pedas"])
    fill_checkout(first, base)
    second = context.new_page()
    add(second, base + site["products"]["Kerupuk Lele"])  # the cart changes in tab 2

    first.locator("main form.checkout-form button[type=submit]:not([name])").click()
    expect(first.locator(".form-errors")).to_contain_text("Your cart changed")
    expect(first.locator("main")).to_contain_text("Kerupuk Lele")  # the cart as it is now
    assert orders(site) == before

    first.locator("main form.checkout-form button[type=submit]:not([name])").click()
    first.wait_for_url("**/pesanan/*")
    assert orders(site) == before + 2
    context.close()
