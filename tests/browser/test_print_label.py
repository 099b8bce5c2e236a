"""The packing slip is an A6 shipping label: printed (Chromium's PDF, with the
page's own @page size) it is one A6 sheet even for an order of 30 lines, a
500-character address and a long note; its Print button shows only with
JavaScript on and never on the printed sheet. The coordinator's monitoring
report prints landscape with its whole table and without its filters."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.pages import log_in, t
from tests.conftest import live_site

PASSWORD = "ketua-rahasia-1"
SLUG = "kub-label-panjang"
NUMBER = "ET-LABEL1"
# 500 characters, the most the checkout keeps.
ADDRESS = (
    (
        "Jl. Letnan Jenderal Soeprapto Gang Mawar Merah Nomor 17B RT 004 RW 011, "
        "di belakang Masjid Raya Al-Falah, rumah cat hijau dengan pagar besi hitam "
    )
    * 4
)[:477] + " Kelurahan Sungai Putri"
NOTE = ("Tolong dibungkus rapi dengan plastik gelembung dua lapis, ini untuk oleh-oleh. " * 7)[:500]
LINES = 30


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with live_site(tmp_path_factory, "printlabel", _seed) as (app, url, _):
        yield app, url


def _seed() -> None:
    from shop.groups.models import DeliveryMethod
    from tests.factories import (
        CoordinatorFactory,
        GroupFactory,
        MembershipFactory,
        UserFactory,
        make_order,
    )

    operator = CoordinatorFactory(is_operator=True, user__phone="+6281366660010")
    operator.user.set_password(PASSWORD)

    group = GroupFactory(name="KUB Label Panjang", slug=SLUG, offers_courier=True)
    leader = UserFactory(name="Bu Ratna", phone="+6281366660009")
    leader.set_password(PASSWORD)
    MembershipFactory(group=group, user=leader)
    make_order(
        group,
        number=NUMBER,
        delivery=DeliveryMethod.COURIER,
        shipping_fee=None,
        buyer_name="Raden Ayu Siti Nurhaliza Kusumawardhani Prameswari",
        address=ADDRESS,
        province_code="15",
        regency_code="15.71",
        note=NOTE,
        lines=[
            (f"Kerupuk Kulit Lele Super Renyah Rasa Original Nomor {n} Kemasan Besar", 15000, n)
            for n in range(1, LINES + 1)
        ],
    )


def pdf_pages(path: Path) -> tuple[int, str, str]:
    assert shutil.which("pdfinfo"), "poppler-utils missing (make browser-deps)"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)$", info.stdout, re.MULTILINE).group(1))
    size = re.search(r"^Page size:\s+(.+)$", info.stdout, re.MULTILINE).group(1)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return pages, size, " ".join(text.split())


def test_the_label_prints_on_one_a6_sheet(site, browser, tmp_path):
    app, url = site
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()
    log_in(page, url, "0813-6666-0009", PASSWORD)
    page.goto(f"{url}/kelola/{SLUG}/pesanan/{NUMBER}/slip")
    button = page.get_by_role("button", name=t(app, "Print"), exact=True)
    expect(button).to_be_visible()
    expect(page.locator(".slip-lines li")).to_have_count(LINES)

    printed = tmp_path / "label.pdf"
    printed.write_bytes(page.pdf(prefer_css_page_size=True, print_background=True))
    pages, size, text = pdf_pages(printed)
    assert len(ADDRESS) == 500
    assert pages == 1
    # A6 is 105 × 148 mm: 297.64 × 419.53 pt.
    width, height = (float(n) for n in re.findall(r"[\d.]+", size)[:2])
    assert (round(width), round(height)) == (298, 420), size
    assert NUMBER in text and "Raden Ayu Siti" in text
    # The whole address is on the label, to its last words.
    assert "Sungai Putri" in text
    # The button and the hint are not printed.
    assert t(app, "Print") not in text.split()

    page.emulate_media(media="print")
    expect(button).to_be_hidden()
    # Nothing is cut by the label's height limit: at the A6 page's width
    # (105 mm less 2 × 4 mm margins) the whole slip fits its box.
    page.set_viewport_size({"width": 367, "height": 529})
    clipped = page.locator(".slip").evaluate("el => el.scrollHeight - el.clientHeight")
    assert clipped <= 1
    context.close()


def test_without_javascript_there_is_no_print_button(site, browser):
    app, url = site
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="id-ID", java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, url, "0813-6666-0009", PASSWORD)
    page.goto(f"{url}/kelola/{SLUG}/pesanan/{NUMBER}/slip")
    expect(page.locator(".slip")).to_be_visible()
    expect(page.get_by_role("button", name=t(app, "Print"), exact=True)).to_be_hidden()
    context.close()


def test_the_monitoring_report_prints_landscape_with_its_whole_table(site, browser, tmp_path):
    app, url = site
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()
    log_in(page, url, "0813-6666-0010", PASSWORD)
    page.goto(f"{url}/koordinator/monev?per=group")
    button = page.get_by_role("button", name=t(app, "Print this report"), exact=True)
    expect(button).to_be_visible()
    printed = tmp_path / "monev.pdf"
    printed.write_bytes(page.pdf(prefer_css_page_size=True, print_background=True))
    _pages, size, text = pdf_pages(printed)
    width, height = (float(n) for n in re.findall(r"[\d.]+", size)[:2])
    assert (round(width), round(height)) == (842, 595), size
    assert "KUB Label Panjang" in text
    assert t(app, "Group by") not in text and t(app, "Print this report") not in text
    # The whole table fits the sheet's width (297 mm less 2 × 10 mm margins).
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 1047, "height": 700})
    hidden = page.locator(".table-scroll").evaluate("el => el.scrollWidth - el.clientWidth")
    assert hidden <= 1
    context.close()
