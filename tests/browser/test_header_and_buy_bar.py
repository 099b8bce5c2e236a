"""A first visit on a phone (390×844, issue 15): the header stays one line
with a cart badge and the longest first link in either language, its menu
opens without JavaScript, and "Add to cart" is on the first screen of a
product page under a gallery taller than the screen."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import log_in, t
from tests.conftest import live_site

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PASSWORD = "rahasia-123"
PRODUCT = "/k/kelompok-galeri-lele/abon-lele-galeri"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with live_site(tmp_path_factory, "header", _seed) as (app, url, people):
        yield app, url, people


def _jpeg(colour) -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (600, 800), colour).save(buffer, "JPEG")  # portrait: tall
    return buffer.getvalue()


def _seed() -> dict:
    from shop.catalogue.services import refresh_derived
    from tests.factories import (
        CoordinatorFactory,
        GroupFactory,
        MembershipFactory,
        ProductFactory,
        ProductPhotoFactory,
        UserFactory,
        VariantFactory,
    )
    from tests.uploads import store_ready

    group = GroupFactory(name="Kelompok Galeri Lele", slug="kelompok-galeri-lele")
    product = ProductFactory(group=group, name="Abon Lele Galeri", slug="abon-lele-galeri")
    for position, label in enumerate(("100 g", "250 g", "500 g")):
        VariantFactory(product=product, label=label, price=25000, stock=40, position=position)
    for position in range(8):  # the most a product has: one large, seven below it
        ProductPhotoFactory(
            product=product,
            image=store_ready(_jpeg((40 + 25 * position, 120, 90))),
            alt_text=f"Abon lele, foto {position + 1}",
            position=position,
        )
    refresh_derived(product)
    member = UserFactory(name="Ibu Galeri", phone="+6281277770001")
    MembershipFactory(group=group, user=member)
    CoordinatorFactory(user=UserFactory(phone="+6281277770002"))
    return {"member": "0812-7777-0001", "coordinator": "0812-7777-0002"}


def _add_to_cart(page: Page, base: str) -> None:
    page.goto(base + PRODUCT)
    page.locator("form.add-to-cart button[type=submit]").click()
    page.wait_for_load_state()


def _header_items(page: Page):
    """Every visible item of the header: brand, links, the menu button, language."""
    items = page.locator(
        ".site-header .brand, .site-nav > a:visible, .nav-menu summary, .lang-switch a:visible"
    )
    return [(item.inner_text().strip(), item.bounding_box()) for item in items.all()]


@pytest.mark.parametrize("who", ["guest", "member", "coordinator"])
def test_the_header_is_one_line_with_a_cart_in_both_languages(browser, site, who):
    app, base, people = site
    context = browser.new_context(**PHONE)
    page = context.new_page()
    if who != "guest":
        log_in(page, base, people[who], PASSWORD)
    _add_to_cart(page, base)
    first = {
        "guest": "Sell on %(site)s",
        "member": "My groups",
        "coordinator": "Coordinator",
    }[who]
    for language in ("id", "en"):
        page.goto(f"{base}/bahasa/{language}?next=/katalog")
        label = first.replace("%(site)s", "Etalase")
        label = t(app, first, site="Etalase") if language == "id" else label
        expect(page.locator(".nav-first")).to_have_text(label)
        expect(page.locator(".nav-cart .nav-count")).to_have_text("1")
        items = _header_items(page)
        assert len(items) == 5, items  # brand, first link, cart, menu, other language
        tops = {round(box["y"] + box["height"] / 2) for _, box in items}
        assert len(tops) == 1, items  # one line: every item centred on the same line
        assert all(box["x"] + box["width"] <= 390 for _, box in items), items
        assert page.locator(".site-header").bounding_box()["height"] < 60
        assert not page.evaluate("document.documentElement.scrollWidth > innerWidth")
        # Every link is still there, by name, behind the menu.
        page.locator(".nav-menu summary").click()
        catalogue = t(app, "Catalogue") if language == "id" else "Catalogue"
        expect(page.locator(".nav-menu").get_by_role("link", name=catalogue)).to_be_visible()
        page.locator(".nav-menu summary").click()
        expect(page.locator(".nav-menu ul")).to_be_hidden()
    context.close()


def test_the_menu_opens_without_javascript(browser, site):
    app, base, _ = site
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/katalog")
    menu = page.locator(".nav-menu")
    expect(menu.get_by_role("link", name=t(app, "Log in"))).to_be_hidden()
    menu.locator("summary").click()
    menu.get_by_role("link", name=t(app, "Log in")).click()
    expect(page).to_have_url(f"{base}/masuk")
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_add_to_cart_is_on_the_first_screen_under_a_tall_gallery(browser, site, javascript):
    app, base, _ = site
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    page = context.new_page()
    for language in ("id", "en"):
        page.goto(f"{base}/bahasa/{language}?next={PRODUCT}")
        gallery = page.locator(".gallery").bounding_box()
        assert gallery["y"] + gallery["height"] > 844  # the gallery alone fills the screen
        name = t(app, "Add to cart") if language == "id" else "Add to cart"
        button = page.get_by_role("button", name=name)
        box = button.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 844, box
        assert page.locator("form.add-to-cart select").bounding_box()["y"] >= 56  # below the header
        # At the end of the page the form sits in its place: it covers nothing.
        page.mouse.wheel(0, 20000)
        page.wait_for_timeout(200)
        form = page.locator("form.add-to-cart").bounding_box()
        seller = page.locator(".seller").bounding_box()
        assert form["y"] + form["height"] <= seller["y"], (form, seller)
    button.click()
    expect(page.locator(".nav-cart .nav-count")).to_have_text("1")
    context.close()


def test_on_a_desktop_the_form_stays_beside_the_gallery(browser, site):
    _, base, _ = site
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(base + PRODUCT)
    gallery = page.locator(".gallery").bounding_box()
    form = page.locator("form.add-to-cart").bounding_box()
    assert form["x"] >= gallery["x"] + gallery["width"]  # the right-hand column
    assert page.locator("form.add-to-cart").evaluate("f => getComputedStyle(f).position") == (
        "static"
    )
    nav = page.locator(".site-nav > a:visible")
    assert nav.count() >= 5  # every link in the line, none behind a menu
    expect(page.locator(".nav-menu")).to_be_hidden()
    context.close()
