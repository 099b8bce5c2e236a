"""Issue 16's QRIS journey in a real browser at 390×844, with and without
JavaScript: the ketua adds the group's QRIS from a photo of its sticker and
confirms the merchant; a guest orders and pays by QRIS, and the QR the
tracking page draws (screenshotted from the browser, read by zbarimg)
carries the order's exact amount; the buyer sends the receipt and the
group confirms the order and marks it paid."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from shop.catalogue.models import ProductStatus
from shop.catalogue.services import refresh_derived, set_status
from shop.groups.models import Role
from shop.groups.qris import crc, parse_tlv
from tests.browser.pages import log_in
from tests.conftest import live_site
from tests.qris_samples import STICKER, sticker_photo

RECEIPT = Path(__file__).resolve().parents[1] / "fixtures" / "documents" / "receipt.pdf"
_runs = itertools.count(1)


@pytest.fixture(scope="module")
def qris_site(tmp_path_factory):
    with live_site(tmp_path_factory, "qrisjourney", _seed) as (_, url, site):
        yield {**site, "url": url}


def _seed() -> dict:
    from tests.factories import (
        GroupFactory,
        MembershipFactory,
        ProductFactory,
        UserFactory,
        VariantFactory,
    )

    groups = {}
    for js in ("js", "no-js"):
        # No QRIS yet: the ketua adds it in the journey. Transfer is offered
        # too, so the buyer really chooses.
        group = GroupFactory(name=f"Kue Bu Siti {js}", accepts_cash=False)
        ketua = UserFactory(name="Siti", phone=f"+62812999900{len(groups) + 11}")
        MembershipFactory(group=group, user=ketua, role=Role.LEADER)
        product = ProductFactory(group=group, name="Bolu Pandan", status=ProductStatus.DRAFT)
        VariantFactory(product=product, price=45000, stock=20)
        set_status(product, ProductStatus.PUBLISHED)
        refresh_derived(product)
        groups[js] = {
            "slug": group.slug,
            "login": "0" + ketua.phone[3:],
            "product": f"/k/{group.slug}/{product.slug}",
        }
    return groups


def _zbar(png: Path) -> str:
    done = subprocess.run(
        ["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_buyer_pays_by_qris_and_the_group_confirms(
    browser, browser_context_args, qris_site, javascript, tmp_path
):
    base = qris_site["url"]
    site = qris_site["js" if javascript else "no-js"]
    next(_runs)
    slug = site["slug"]

    # The ketua adds the group's QRIS from a photo of its sticker.
    group = browser.new_context(**browser_context_args, java_script_enabled=javascript).new_page()
    log_in(group, base, site["login"], "rahasia-123")
    group.goto(f"{base}/kelola/{slug}")
    group.locator("nav a", has_text="QRIS").first.click()
    expect(group.locator("main")).to_contain_text("Belum ada QRIS.")
    photo = tmp_path / "stiker-qris.jpg"
    photo.write_bytes(sticker_photo(STICKER))
    group.set_input_files("main [name=photo]", str(photo))
    group.locator("main form[enctype] [type=submit]").click()
    expect(group.locator("h1")).to_have_text("Apakah ini QRIS Anda?")
    expect(group.locator("main dl")).to_contain_text("KUE BU SITI JAMBI")
    expect(group.locator("main dl")).to_contain_text("ID1023251234567")
    group.screenshot(path=str(tmp_path / "confirm.png"))
    group.locator("main form [type=submit]").click()
    expect(group.locator(".flash-success")).to_contain_text("QRIS Anda tersimpan")
    expect(group.locator("main dl")).to_contain_text("KUE BU SITI JAMBI")

    # A guest orders and chooses QRIS.
    buyer = browser.new_context(**browser_context_args, java_script_enabled=javascript).new_page()
    buyer.goto(base + site["product"])
    buyer.locator("form.add-to-cart button[type=submit]").click()
    buyer.goto(f"{base}/keranjang")
    buyer.locator("main a[href='/checkout']").click()
    buyer.fill("main [name=name]", "Bu Ani")
    buyer.fill("main [name=phone]", "0812-3456-7890")
    buyer.select_option("main [name=province]", "15")
    if not javascript:
        buyer.locator("[name=region_refresh]").click()
    buyer.select_option("main [name=regency]", "15.71")
    buyer.check("main [name^='payment-'][value=qris]")
    buyer.locator("main form button[type=submit]:not([name])").click()
    expect(buyer.locator(".qris-code svg")).to_have_count(1)  # on the confirmation page
    buyer.locator("a[href*='/lacak/ET-']").first.click()

    pay_box = buyer.locator(".pay-box")
    total = int(re.sub(r"\D", "", pay_box.locator(".qris-code figcaption strong").inner_text()))
    assert 45000 < total < 45500  # the price and its unique code
    expect(pay_box).to_contain_text("KUE BU SITI JAMBI")
    shot = tmp_path / "qris.png"
    pay_box.locator(".qris-code svg").screenshot(path=str(shot))
    payload = _zbar(shot)
    values = {f.tag: f.value for f in parse_tlv(payload)}
    assert values["01"] == "12"
    assert values["54"] == str(total)
    assert values["59"] == "KUE BU SITI JAMBI"
    assert values["63"] == crc(payload[:-4])
    width = buyer.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"tracking page is {width}px wide"

    # The buyer sends the receipt; the group confirms the order and marks it paid.
    tracking = buyer.url
    number = re.search(r"/lacak/(ET-[^/]+)/", tracking).group(1)
    buyer.set_input_files("main [name=proof]", str(RECEIPT))
    buyer.locator("form[action$='/bukti'] button[type=submit]").click()
    expect(buyer.locator(".flash-success")).to_have_count(1)

    for action in ("konfirmasi", "lunas"):
        group.goto(f"{base}/kelola/{slug}/pesanan/{number}")
        expect(group.locator("main")).to_contain_text("QRIS")
        group.locator(f"form[action$='/{action}'] button[type=submit]").click()
        expect(group.locator(".flash-success")).to_have_count(1)

    buyer.goto(tracking)
    expect(buyer.locator(".pay-box")).to_contain_text("Pembayaran sudah diterima")
    expect(buyer.locator(".qris-code")).to_have_count(0)
    expect(buyer.locator(".timeline")).to_contain_text("Pembayaran diterima")
    buyer.context.close()
    group.context.close()
