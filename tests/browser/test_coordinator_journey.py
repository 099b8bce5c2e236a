"""Issue 5's journey in a real browser at 390×844, in Indonesian.

A coordinator limited to UPPKA in Jambi verifies a new group, features it on
the home page, builds an exhibition with two of its products, hides a third
product with a reason, downloads the monitoring table as XLSX and the group's
PDF report. A coordinator of another programme can see none of it.

Button and link names are looked up in the Indonesian catalogue, so the test
reads like the page and proves the page is translated.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from shop.cart.session import CartIdentity
from shop.catalogue.services import refresh_derived
from shop.checkout.services import Buyer, GroupChoice, Placement, place_orders
from shop.groups.models import Programme
from tests.browser.pages import log_in, t
from tests.conftest import live_site

BANNER = Path(__file__).resolve().parents[1] / "fixtures" / "images" / "exif_gps_rotated.jpg"
PASSWORD = "koordinator-123"
GROUP = "UPPKA Mawar Telanaipura"
PRODUCTS = ("Dodol Nanas Mawar", "Keripik Singkong Balado", "Kopi Liberika Jambi")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with live_site(tmp_path_factory, "coordjourney", _seed) as (app, url, _):
        yield app, url


def _seed() -> None:
    from tests.factories import (
        CoordinatorFactory,
        GroupFactory,
        MembershipFactory,
        ProductFactory,
        UserFactory,
        VariantFactory,
    )

    group = GroupFactory(
        name=GROUP,
        slug="uppka-mawar-telanaipura",
        programme=Programme.UPPKA,
        province_code="15",
        regency_code="15.71",
        district_code=None,
    )
    MembershipFactory(group=group, user=UserFactory(name="Bu Mawar"))
    variants = []
    for name in PRODUCTS:
        product = ProductFactory(group=group, name=name, slug=name.lower().replace(" ", "-"))
        variants.append(VariantFactory(product=product, price=30000, stock=40))
        refresh_derived(product)
    for n, variant in enumerate(variants[:2]):
        place_orders(
            Placement(
                cart={str(variant.id): 2},
                quoted={str(variant.id): variant.price},
                choices={group.id: GroupChoice("pickup", "transfer")},
                identity=CartIdentity(f"journey-{n}", 0),
                buyer=Buyer("Bu Rina", "+6281311112222", None, "", "15", "15.71", None),
            )
        )
    jambi = CoordinatorFactory(
        user=UserFactory(name="Yuliana", phone="+6281377770001"),
        programmes=[Programme.UPPKA],
        regions=["15"],
    )
    other = CoordinatorFactory(
        user=UserFactory(name="Wayan", phone="+6281377770002"),
        programmes=[Programme.JPS_TKM],
    )
    for coordinator in (jambi, other):
        coordinator.user.set_password(PASSWORD)


def test_coordinator_curates_and_reports_and_others_see_nothing(site, browser, tmp_path):
    app, url = site
    page = browser.new_page(viewport={"width": 390, "height": 844}, accept_downloads=True)
    log_in(page, url, "0813-7777-0001", PASSWORD)
    verify_the_group(app, url, page)
    feature_the_group(app, page)
    manage_exhibition = publish_an_exhibition(app, url, page)
    # The home page shows the featured group and the running exhibition.
    page.goto(url + "/")
    expect(page.locator("main")).to_contain_text(GROUP)
    expect(page.locator("main")).to_contain_text("Pameran Produk UPPKA Jambi")
    product_page = hide_the_third_product(app, url, page)
    download_the_monitoring_table(app, page, tmp_path)
    download_the_report(app, url, page, tmp_path)
    every_action_is_in_the_audit_log(app, page)
    page.close()
    another_programme_sees_none_of_it(browser, url, product_page, manage_exhibition)


def verify_the_group(app, url: str, page) -> None:
    """The new group waits in the verification queue; verify it."""
    page.get_by_role("link", name=t(app, "Coordinator"), exact=True).first.click()
    page.get_by_role("link", name=t(app, "Verification"), exact=True).click()
    page.get_by_role("link", name=GROUP).first.click()
    page.get_by_role("button", name=t(app, "Verify this group")).click()
    expect(page.locator("main")).to_contain_text(t(app, "Verified"))
    page.goto(f"{url}/k/uppka-mawar-telanaipura")
    expect(page.locator("main")).to_contain_text(t(app, "Verified"))
    page.go_back()


def feature_the_group(app, page) -> None:
    """Feature it on the home page from today."""
    page.get_by_role("link", name=t(app, "Featured"), exact=True).click()
    page.get_by_label(t(app, "Group"), exact=True).select_option(label=GROUP)
    page.get_by_role("button", name=t(app, "Feature this group")).click()
    expect(page.locator("main")).to_contain_text(GROUP)


def publish_an_exhibition(app, url: str, page) -> str:
    """An exhibition with two of its products, published. Its management
    page's path."""
    page.get_by_role("link", name=t(app, "Exhibitions"), exact=True).click()
    page.get_by_role("link", name=t(app, "New exhibition")).click()
    page.get_by_label(t(app, "Title")).fill("Pameran Produk UPPKA Jambi")
    page.get_by_label(t(app, "First day")).fill("2026-01-01")
    page.get_by_label(t(app, "Last day")).fill("2099-12-31")
    page.locator("input[type=file][name=banner]").set_input_files(str(BANNER))
    page.locator("input[name=banner_alt]").fill("Meja pameran dengan dodol dan keripik")
    page.get_by_role("button", name=t(app, "Create exhibition")).click()
    manage_exhibition = page.url.removeprefix(url)
    page.locator("main select[name=group]").select_option(label=GROUP)
    page.get_by_role("button", name=t(app, "Add group")).click()
    for name in PRODUCTS[:2]:
        page.locator("#add-product form.candidate", has_text=name).get_by_role("button").click()
    page.get_by_role("button", name=t(app, "Publish the exhibition")).click()
    page.get_by_role("link", name=t(app, "Open the public page")).click()
    assert page.url.startswith(f"{url}/pameran/")
    gallery = page.locator("main")
    expect(gallery).to_contain_text(PRODUCTS[0])
    expect(gallery).to_contain_text(PRODUCTS[1])
    expect(gallery).not_to_contain_text(PRODUCTS[2])
    return manage_exhibition


def hide_the_third_product(app, url: str, page) -> str:
    """Hide the third product with a reason; it leaves the public site.
    Its coordinator page's address."""
    page.goto(f"{url}/koordinator/kelompok/uppka-mawar-telanaipura")
    page.get_by_role("link", name=PRODUCTS[2]).click()
    product_page = page.url
    page.locator("textarea[name=reason]").fill("Foto produk memuat nomor rekening pribadi.")
    page.get_by_role("button", name=t(app, "Hide the product")).click()
    expect(page.locator("main")).to_contain_text("nomor rekening pribadi")
    response = page.request.get(f"{url}/k/uppka-mawar-telanaipura/kopi-liberika-jambi")
    assert response.status == 404
    return product_page


def download_the_monitoring_table(app, page, tmp_path: Path) -> None:
    """The monitoring table as XLSX: the group's two orders of Rp60.000 each."""
    page.get_by_role("link", name=t(app, "Monitoring"), exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("link", name=t(app, "Download table (XLSX)")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    xlsx = tmp_path / "monev.xlsx"
    download.value.save_as(xlsx)
    workbook = openpyxl.load_workbook(xlsx)
    cells = [cell for row in workbook.active.iter_rows(values_only=True) for cell in row]
    assert "UPPKA" in cells and 120000 in cells


def download_the_report(app, url: str, page, tmp_path: Path) -> None:
    """The group's one-page report for funders."""
    page.goto(f"{url}/koordinator/kelompok/uppka-mawar-telanaipura")
    with page.expect_download() as download:
        page.get_by_role("link", name=t(app, "Report for funders (PDF)")).click()
    pdf = tmp_path / "laporan.pdf"
    download.value.save_as(pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.MULTILINE), info.stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert GROUP in text


def every_action_is_in_the_audit_log(app, page) -> None:
    page.get_by_role("link", name=t(app, "Audit log"), exact=True).click()
    log = page.locator("main")
    for action in (
        "Group verified",
        "Group featured",
        "Exhibition published",
        "Product hidden",
        "Monitoring exported as XLSX",
        "Group report downloaded",
    ):
        expect(log).to_contain_text(t(app, action))


def another_programme_sees_none_of_it(browser, url: str, product_page, manage_exhibition) -> None:
    """A coordinator of another programme sees none of it."""
    other = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(other, url, "0813-7777-0002", PASSWORD)
    other.goto(f"{url}/koordinator/kelompok")
    expect(other.locator("main")).not_to_contain_text(GROUP)
    for path in (
        "/koordinator/kelompok/uppka-mawar-telanaipura",
        "/koordinator/kelompok/uppka-mawar-telanaipura/laporan.pdf",
        product_page.removeprefix(url),
        manage_exhibition,
    ):
        assert other.request.get(url + path).status == 404, path
    other.goto(f"{url}/koordinator/monev")
    expect(other.locator("main")).not_to_contain_text("UPPKA")
    other.goto(f"{url}/koordinator/audit")
    expect(other.locator("main")).not_to_contain_text(GROUP)
    other.close()
