"""Issue 16's bulk request journey in Chromium at 390×844: an office posts a
request for 300 snack boxes and confirms its email with the code, two groups
offer, the office splits the quantity between them, and both groups find
their order in their inbox."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from shop.bulk.models import BulkRequest
from shop.core.clock import jakarta_today
from shop.extensions import db
from shop.notify.models import OutboxMessage
from tests.browser.pages import log_in, t
from tests.conftest import live_site

PASSWORD = "rahasia-123"
OFFICE_EMAIL = "umum@dinas-jambi.example"


@pytest.fixture(scope="module")
def bulk_site(tmp_path_factory):
    with live_site(tmp_path_factory, "bulkjourney", _seed) as (app, url, site):
        yield {**site, "app": app, "url": url}


def _seed() -> dict:
    from shop.catalogue.models import Category
    from shop.groups.models import Role
    from tests.factories import (
        GroupCapacityFactory,
        GroupFactory,
        MembershipFactory,
        UserFactory,
    )

    groups = {}
    for key, name, weekly, phone in (
        ("melati", "Kelompok Kue Melati", 200, "+6281299991001"),
        ("mawar", "Kelompok Kue Mawar", 150, "+6281299991002"),
    ):
        group = GroupFactory(name=name, slug=f"kue-{key}", offers_local_delivery=True)
        GroupCapacityFactory(group=group, category=Category.CAKES, weekly_quantity=weekly)
        MembershipFactory(group=group, user=UserFactory(phone=phone), role=Role.LEADER)
        groups[key] = {"slug": group.slug, "phone": phone}
    return groups


def _code(app) -> str:
    with app.app_context():
        body = db.session.scalars(
            select(OutboxMessage.body_text)
            .where(OutboxMessage.kind == "bulk_code", OutboxMessage.recipient == OFFICE_EMAIL)
            .order_by(OutboxMessage.id.desc())
        ).first()
    assert body, "no code in the outbox"
    return re.search(r"\b[0-9]{6}\b", body).group(0)


def _offer(browser: Browser, base: str, group: dict, number: str, price: str, qty: str, shots):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    log_in(page, base, group["phone"], PASSWORD)
    page.goto(f"{base}/kelola/{group['slug']}/borongan")
    page.get_by_role("link", name=re.compile(number)).click()
    page.fill("main [name=unit_price]", price)
    page.fill("main [name=quantity]", qty)
    page.check("main [name=delivery_method][value=local]")
    page.fill("main [name=delivery_fee]", "25000")
    page.screenshot(path=str(shots / f"bulk-offer-{group['slug']}.png"), full_page=True)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash, [role=status], .messages").first).to_be_visible()
    context.close()


def _inbox(browser: Browser, base: str, group: dict, shots) -> str:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    log_in(page, base, group["phone"], PASSWORD)
    page.goto(f"{base}/kelola/{group['slug']}/pesanan")
    page.screenshot(path=str(shots / f"bulk-inbox-{group['slug']}.png"), full_page=True)
    text = page.locator("main").inner_text()
    context.close()
    return text


def test_an_office_splits_300_snack_boxes_between_two_groups(
    page: Page, browser: Browser, bulk_site, tmp_path_factory
):
    app, base = bulk_site["app"], bulk_site["url"]
    shots = tmp_path_factory.mktemp("bulk-shots")

    # The office posts its request, in Indonesian, without an account.
    page.goto(f"{base}/")
    page.get_by_role("link", name=t(app, "Bulk orders for offices")).click()
    expect(page.locator("h1")).to_have_text(t(app, "Order in bulk from local groups"))
    page.fill("main [name=institution]", "Dinas Koperasi Kota Jambi")
    page.fill("main [name=contact_name]", "Rina Wati")
    page.fill("main [name=phone]", "0812-9999-0000")
    page.fill("main [name=email]", OFFICE_EMAIL)
    page.select_option("main [name=category]", "kue")
    page.fill("main [name=title]", "Kotak snack rapat")
    page.fill("main [name=quantity]", "300")
    page.fill("main [name=needed_by]", (jakarta_today() + timedelta(days=21)).isoformat())
    page.fill("main [name=budget_per_unit]", "15.000")
    page.select_option("main [name=province]", "15")
    expect(page.locator("main [name=regency] option[value='15.71']")).to_have_count(1)
    page.select_option("main [name=regency]", "15.71")
    page.fill("main [name=address]", "Jl. Sudirman 1, Jambi")
    page.screenshot(path=str(shots / "bulk-new.png"), full_page=True)
    page.get_by_role("button", name=t(app, "Send the request")).click()

    # It confirms its email with the code it received.
    expect(page.locator("main [name=code]")).to_be_visible()
    private = page.url
    page.fill("main [name=code]", _code(app))
    page.get_by_role("button", name=t(app, "Confirm the request")).click()
    expect(page.locator("main")).to_contain_text(t(app, "No offers yet.")[:20])
    with app.app_context():
        number = db.session.scalars(select(BulkRequest.number)).one()

    # Two groups that declared what they bake a week offer.
    melati, mawar = bulk_site["melati"], bulk_site["mawar"]
    _offer(browser, base, melati, number, "14.000", "200", shots)
    _offer(browser, base, mawar, number, "13.500", "150", shots)

    # The office compares and splits: 150 from each.
    page.goto(private)
    inputs = page.locator("main input[name^=take-]")
    expect(inputs).to_have_count(2)
    inputs.nth(0).fill("150")
    inputs.nth(1).fill("150")
    page.screenshot(path=str(shots / "bulk-offers.png"), full_page=True)
    page.get_by_role("button", name=t(app, "Order the chosen quantities")).click()
    flash = page.locator("main").inner_text()
    numbers = re.findall(r"ET-[0-9A-Z]{6}", flash)
    assert len(set(numbers)) == 2, flash
    expect(page.locator("main .status").first).to_have_text(t(app, "Closed"))
    page.screenshot(path=str(shots / "bulk-ordered.png"), full_page=True)

    # Each group finds its order in its inbox; together they are both orders.
    seen = [_inbox(browser, base, group, shots) for group in (melati, mawar)]
    found = [[n for n in set(numbers) if n in text] for text in seen]
    assert all(len(f) == 1 for f in found), found
    assert sorted(found[0] + found[1]) == sorted(set(numbers))
    print("screenshots:", shots)
