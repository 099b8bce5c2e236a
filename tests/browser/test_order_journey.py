"""Issue 4's journey in a real browser at 390×844, with and without JavaScript.

A guest fills one cart from two groups, pays group A by transfer and group B
in cash, gets two orders and their tracking links; group A sees only its
order and confirms it; the buyer uploads a transfer proof; group A marks it
paid, packs and ships it; the buyer sees the timeline.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from shop.catalogue.models import ProductStatus
from shop.catalogue.services import refresh_derived, set_status
from shop.groups.models import Role
from tests.conftest import live_site
from tests.factories import BankAccountFactory

RECEIPT = Path(__file__).resolve().parents[1] / "fixtures" / "documents" / "receipt.pdf"
_runs = itertools.count(1)


@pytest.fixture(scope="module")
def shop_site(tmp_path_factory):
    with live_site(tmp_path_factory, "orderjourney", _seed) as (_, url, site):
        yield {**site, "url": url}


def _seed() -> dict:
    from tests.factories import (
        GroupFactory,
        MembershipFactory,
        ProductFactory,
        UserFactory,
        VariantFactory,
    )

    a = GroupFactory(
        name="Kelompok Abon Lele",
        offers_local_delivery=True,
        local_delivery_fee=5000,
        accepts_cash=False,
    )
    b = GroupFactory(name="Kelompok Rajut Lapas", accepts_transfer=False)
    BankAccountFactory(group=a, account_number="1234-01-000123-50-1", account_holder="Siti")
    ketua = UserFactory(name="Siti", phone="+6281299990001")
    MembershipFactory(group=a, user=ketua, role=Role.LEADER)
    products = {}
    for group, name, price in ((a, "Abon Lele Pedas", 25000), (b, "Tas Rajut Biru", 150000)):
        product = ProductFactory(group=group, name=name, status=ProductStatus.DRAFT)
        VariantFactory(product=product, price=price, stock=50)
        set_status(product, ProductStatus.PUBLISHED)
        refresh_derived(product)
        products[name] = f"/k/{group.slug}/{product.slug}"
    return {"a": a.slug, "b": b.slug, "products": products}


def _add(page: Page, url: str) -> None:
    page.goto(url)
    page.locator("form.add-to-cart button[type=submit]").click()
    expect(page.locator("h1")).to_have_count(1)


def _checkout(page: Page, base: str, javascript: bool) -> dict[str, str]:
    page.goto(f"{base}/keranjang")
    page.locator("main a[href='/checkout']").click()
    page.fill("main [name=name]", "Bu Ani")
    page.fill("main [name=phone]", "0812-3456-7890")
    page.select_option("main [name=province]", "15")
    if not javascript:
        page.locator("[name=region_refresh]").click()
    page.select_option("main [name=regency]", "15.71")
    page.fill("main [name=address]", "Jl. Kenanga 5, Telanaipura")
    page.check("main [name^='delivery-'][value=local]")  # group A delivers; B: pickup
    page.locator("main form button[type=submit]:not([name])").click()
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("a[href*='/lacak/ET-']")).to_have_count(2)
    return {
        name: page.locator("article.order-card", has_text=name)
        .locator("a[href*='/lacak/ET-']")
        .get_attribute("href")
        for name in ("Kelompok Abon Lele", "Kelompok Rajut Lapas")
    }


def _group_acts(page: Page, base: str, slug: str, number: str, action: str, **fields) -> None:
    page.goto(f"{base}/kelola/{slug}/pesanan/{number}")
    form = page.locator(f"form[action$='/{action}']")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_have_count(1)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_guest_orders_from_two_groups_and_group_a_fulfils(
    browser, browser_context_args, shop_site, javascript
):
    base = shop_site["url"]
    next(_runs)
    buyer = browser.new_context(**browser_context_args, java_script_enabled=javascript).new_page()
    for url in shop_site["products"].values():
        _add(buyer, base + url)
    tracking = _checkout(buyer, base, javascript)
    a_link = tracking["Kelompok Abon Lele"]
    a_number = re.search(r"/lacak/(ET-[^/]+)/", a_link).group(1)
    b_number = re.search(r"/lacak/(ET-[^/]+)/", tracking["Kelompok Rajut Lapas"]).group(1)

    group = browser.new_context(**browser_context_args, java_script_enabled=javascript).new_page()
    group.goto(f"{base}/masuk")
    group.fill("main [name=login]", "0812-9999-0001")
    group.fill("main [name=password]", "rahasia-123")
    group.locator("main form button[type=submit]").click()
    group.goto(f"{base}/kelola/{shop_site['a']}/pesanan")
    expect(group.locator("main")).to_contain_text(a_number)
    expect(group.locator("main")).not_to_contain_text(b_number)
    response = group.goto(f"{base}/kelola/{shop_site['a']}/pesanan/{b_number}")
    assert response.status == 404
    _group_acts(group, base, shop_site["a"], a_number, "konfirmasi")

    buyer.goto(base + a_link)
    buyer.set_input_files("main [name=proof]", str(RECEIPT))
    buyer.locator("form[action$='/bukti'] button[type=submit]").click()
    expect(buyer.locator(".flash-success")).to_have_count(1)

    _group_acts(group, base, shop_site["a"], a_number, "lunas")
    _group_acts(group, base, shop_site["a"], a_number, "kemas")
    _group_acts(
        group, base, shop_site["a"], a_number, "kirim", courier="JNE", tracking_number="JNE123"
    )

    buyer.goto(base + a_link)
    timeline = buyer.locator(".timeline")
    for step in (
        "Pesanan dibuat",
        "Dikonfirmasi",
        "Bukti pembayaran",
        "Pembayaran diterima",
        "Dikemas",
        "Dikirim",
    ):
        expect(timeline).to_contain_text(step)
    expect(buyer.locator("main")).to_contain_text("JNE123")
    width = buyer.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"tracking page is {width}px wide"
    buyer.context.close()
    group.context.close()
