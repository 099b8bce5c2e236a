"""Monitoring visits in a real browser at 390×844, in Indonesian, with
JavaScript off: the forms are plain HTML forms.

A coordinator of UPPKA in Jambi records a visit to a group in scope (two
findings, a photo, three recommendations after asking for one more row), the
group's ketua finds the recommendations on her home page and her visits
page and marks one done with a note, and the coordinator's list of what is
due no longer has it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from shop.core.clock import jakarta_today
from shop.groups.models import Programme
from tests.browser.pages import log_in, t
from tests.conftest import live_site

PHOTO = Path(__file__).resolve().parents[1] / "fixtures" / "images" / "exif_gps_rotated.jpg"
PASSWORD = "monev-rahasia-123"
GROUP = "UPPKA Melati Kotabaru"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with live_site(tmp_path_factory, "monevjourney", _seed) as (app, url, _):
        yield app, url


def _seed() -> None:
    from tests.factories import CoordinatorFactory, GroupFactory, MembershipFactory, UserFactory

    group = GroupFactory(
        name=GROUP,
        slug="uppka-melati-kotabaru",
        programme=Programme.UPPKA,
        province_code="15",
        regency_code="15.71",
        district_code=None,
    )
    ketua = MembershipFactory(
        group=group, user=UserFactory(name="Bu Melati", phone="+6281377780001")
    )
    coordinator = CoordinatorFactory(
        user=UserFactory(name="Yuliana", phone="+6281377780002"),
        programmes=[Programme.UPPKA],
        regions=["15"],
    )
    for user in (ketua.user, coordinator.user):
        user.set_password(PASSWORD)


def _no_js_page(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False, is_mobile=True
    )
    return context, context.new_page()


def test_a_visit_recorded_read_and_followed_up_without_javascript(site, browser, tmp_path):
    app, url = site
    today = jakarta_today()

    context, page = _no_js_page(browser)
    log_in(page, url, "0813-7778-0002", PASSWORD)
    page.goto(f"{url}/koordinator/kelompok/uppka-melati-kotabaru")
    page.get_by_role("link", name=t(app, "Monitoring visits"), exact=True).click()
    page.get_by_role("link", name=t(app, "Record a visit")).click()
    page.get_by_label(t(app, "Date of the visit")).fill((today - timedelta(days=1)).isoformat())
    page.get_by_label(t(app, "Who you met")).fill("Bu Melati (ketua)")
    page.get_by_label(t(app, "Production"), exact=True).fill("Dapur bersih, produksi 10 kg.")
    page.get_by_label(t(app, "Packaging"), exact=True).fill("Label tanpa nomor PIRT.")
    texts = ["Cetak nomor PIRT", "Catat kas harian", "Foto produk untuk Etalase", "Daftar PIRT"]
    for n, text in enumerate(texts[:3]):
        page.locator(f"#recommendations-{n}-text").fill(text)
        page.locator(f"#recommendations-{n}-due_on").fill(
            (today + timedelta(days=5 + n)).isoformat()
        )
    page.get_by_role("button", name=t(app, "Add another recommendation")).click()
    # The page came back with one more row and what was typed.
    expect(page.locator("#recommendations-0-text")).to_have_value(texts[0])
    page.locator("#recommendations-3-text").fill(texts[3])
    page.locator("#recommendations-3-due_on").fill((today + timedelta(days=40)).isoformat())
    page.get_by_label(t(app, "Add photos")).set_input_files(str(PHOTO))
    page.screenshot(path=str(tmp_path / "visit-form.png"), full_page=True)
    page.get_by_role("button", name=t(app, "Save the visit")).click()

    main = page.locator("main")
    expect(main).to_contain_text(t(app, "The visit has been recorded; the group can see it."))
    expect(main).to_contain_text("Dapur bersih, produksi 10 kg.")
    for text in texts:
        expect(main).to_contain_text(text)
    expect(page.locator(".visit-photos img")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()

    context, page = _no_js_page(browser)
    log_in(page, url, "0813-7778-0001", PASSWORD)
    page.goto(f"{url}/kelola/uppka-melati-kotabaru")
    # Due within 14 days on the home page; the one due in 40 days is not.
    expect(page.locator("main")).to_contain_text(texts[0])
    expect(page.locator("main")).not_to_contain_text(texts[3])
    page.get_by_role("link", name=t(app, "Monitoring visits"), exact=True).click()
    item = page.locator(".follow-up", has_text=texts[0])
    item.get_by_label(t(app, "Note (optional)")).fill("Label baru sudah dicetak")
    item.get_by_role("button", name=t(app, "Mark done")).click()
    expect(page.locator("main")).to_contain_text(
        t(app, "Marked done. Your coordinator can see it.")
    )
    done = page.locator(".follow-up", has_text=texts[0])
    expect(done).to_contain_text(t(app, "Done"))
    expect(done).to_contain_text("Label baru sudah dicetak")
    page.screenshot(path=str(tmp_path / "group-visits.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()

    context, page = _no_js_page(browser)
    log_in(page, url, "0813-7778-0002", PASSWORD)
    page.goto(f"{url}/koordinator/tindak-lanjut")
    main = page.locator("main")
    expect(main).to_contain_text(texts[1])
    expect(main).not_to_contain_text(texts[0])
    expect(main).not_to_contain_text(texts[3])
    context.close()
