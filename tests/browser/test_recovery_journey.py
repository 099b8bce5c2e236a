"""Issue 12's recovery journey in a real browser, in Indonesian.

Ibu Ratna, a member of an UPPKA group in Jambi with no email and no confirmed
WhatsApp number, forgets her password. "Lupa kata sandi?" tells her to ask her
coordinator (pendamping). The coordinator makes a one-time link from the
group's members page and gets a wa.me button to send it; Ibu Ratna opens it
on her phone (390×844), sets a new password, logs in with it, and the session
she still had in another browser is gone.

Button and link names are looked up in the Indonesian catalogue, so the test
reads like the page and proves the page is translated.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import expect

from shop.groups.models import Programme, Role
from tests.browser.pages import log_in, t
from tests.conftest import live_site

PASSWORD = "lupa-lagi-123"
NEW_PASSWORD = "kerupuk lele rawapasung 2024"
PHONE = "0857-1111-2222"
COORDINATOR_PHONE = "0813-7777-0101"
SLUG = "uppka-melati-jambi"
PHONE_VIEW = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with live_site(tmp_path_factory, "recoveryjourney", _seed) as (app, url, _):
        yield app, url


def _seed() -> None:
    from tests.factories import CoordinatorFactory, GroupFactory, MembershipFactory, UserFactory

    group = GroupFactory(
        name="UPPKA Melati Jambi",
        slug=SLUG,
        programme=Programme.UPPKA,
        province_code="15",
        regency_code="15.71",
        district_code=None,
    )
    ratna = UserFactory(name="Ibu Ratna", phone="+6285711112222", email=None)
    ratna.set_password(PASSWORD)
    MembershipFactory(group=group, user=ratna, role=Role.MEMBER)
    coordinator = CoordinatorFactory(
        user=UserFactory(name="Yuliana", phone="+6281377770101"),
        programmes=[Programme.UPPKA],
        regions=["15"],
    )
    coordinator.user.set_password(PASSWORD)


def test_member_gets_back_in_with_her_coordinators_link(site, browser):
    app, url = site

    # Her old session, in another browser (a relative's phone, a warnet).
    old = browser.new_context(**PHONE_VIEW)
    old_page = old.new_page()
    log_in(old_page, url, PHONE, PASSWORD)
    old_page.goto(f"{url}/akun")
    expect(old_page.locator("h1")).to_contain_text(t(app, "My account"))

    # On her own phone she cannot log in, and looks for help.
    phone = browser.new_context(**PHONE_VIEW)
    page = phone.new_page()
    page.goto(f"{url}/masuk")
    page.get_by_role("link", name=t(app, "Forgot your password?")).click()
    expect(page.locator("main")).to_contain_text(t(app, "No email and no code on WhatsApp?"))

    # Her coordinator makes the link.
    desk = browser.new_context(**PHONE_VIEW)
    coord = desk.new_page()
    log_in(coord, url, COORDINATOR_PHONE, PASSWORD)
    coord.goto(f"{url}/koordinator/kelompok/{SLUG}")
    coord.get_by_role("link", name=t(app, "Members and password help")).click()
    coord.get_by_role("button", name=t(app, "Make a password reset link")).click()
    expect(coord.locator("h1")).to_contain_text("Ibu Ratna")
    link = coord.locator("#reset-link").input_value()
    assert "/lupa-sandi/tautan/" in link
    send = coord.get_by_role("link", name=t(app, "Send by WhatsApp"))
    href = send.get_attribute("href")
    assert href.startswith("https://wa.me/6285711112222?text=")
    # The message carries the link (the live server's PUBLIC_URL is the test one).
    assert link in unquote(href)

    # She opens it on her phone and sets a new password.
    page.goto(url + urlsplit(link).path)
    page.locator("input[name=password]").fill(NEW_PASSWORD)
    page.locator("input[name=confirm]").fill(NEW_PASSWORD)
    page.get_by_role("button", name=t(app, "Save new password")).click()
    expect(page.locator(".flashes")).to_contain_text(
        t(app, "Your new password is set. You are logged in.")
    )

    # Logs out, and in again with the new password.
    page.locator("form[action='/keluar'] button").first.click()
    log_in(page, url, PHONE, NEW_PASSWORD)
    page.goto(f"{url}/akun")
    expect(page.locator("h1")).to_contain_text(t(app, "My account"))
    expect(page.locator("main")).to_contain_text("0857-1111-2222")

    # The old session is gone: the other browser sees the login form.
    old_page.goto(f"{url}/akun")
    expect(old_page).to_have_url(re.compile(r"/masuk"))
    expect(old_page.locator("input[name=login]")).to_be_visible()

    # The link worked once.
    page.goto(url + urlsplit(link).path)
    expect(page.locator("h1")).to_contain_text(t(app, "This link no longer works"))

    for context in (old, phone, desk):
        context.close()
