"""What the browser journeys do on every site: read the Indonesian words a
page shows, and log in through the form."""

from __future__ import annotations

from flask_babel import force_locale, gettext
from playwright.sync_api import Page


def t(app, text: str, **variables) -> str:
    """The Indonesian words the page shows for an English msgid."""
    with app.test_request_context(), force_locale("id"):
        return gettext(text, **variables)


def log_in(page: Page, url: str, phone: str, password: str) -> None:
    page.goto(f"{url}/masuk")
    page.fill("input[name=login]", phone)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
