"""Issue 16's pre-order round in a real browser at 390×844: the group opens
a round through its form, a buyer sees the round's dates on the product page
and in the cart and orders in it, the round closes at its deadline (the
periodic job, as the scheduler runs it) and the group prints the production
list: one A4 sheet with the totals per product and variant and who gets what."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from shop.core.clock import jakarta_today
from shop.db import utcnow
from shop.extensions import db
from shop.notify.models import OutboxMessage
from shop.rounds import jobs
from shop.rounds.models import Round
from tests.browser.pages import log_in, t
from tests.conftest import live_site

PASSWORD = "ketua-rahasia-1"
SLUG = "kelompok-kue-lebaran"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with live_site(tmp_path_factory, "roundjourney", _seed) as (app, url, seeded):
        yield app, url, seeded


def _seed() -> dict:
    from tests.factories import GroupFactory, MembershipFactory, UserFactory, listed_product

    group = GroupFactory(name="Kelompok Kue Lebaran", slug=SLUG)
    ketua = UserFactory(name="Bu Ratna", phone="+6281377770001")
    ketua.set_password(PASSWORD)
    MembershipFactory(group=group, user=ketua)
    nastar = listed_product(
        "Kue Nastar Keju",
        group=group,
        variants=[
            {"label": "Toples 250 g", "price": 45000, "stock": None, "position": 0},
            {"label": "Toples 500 g", "price": 80000, "stock": None, "position": 1},
        ],
    )
    db.session.flush()
    return {"product": f"/k/{SLUG}/{nastar.slug}", "variants": [v.id for v in nastar.variants]}


def _pdf(path: Path) -> tuple[int, str, str]:
    assert shutil.which("pdfinfo"), "poppler-utils missing (make browser-deps)"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)$", info.stdout, re.MULTILINE).group(1))
    size = re.search(r"^Page size:\s+(.+)$", info.stdout, re.MULTILINE).group(1)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return pages, size, " ".join(text.split())


def test_a_buyer_orders_in_a_round_and_the_group_prints_the_production_list(
    site, browser, browser_context_args, tmp_path
):
    app, url, seeded = site
    small, large = seeded["variants"]
    today = jakarta_today()

    # The group opens the round through its form (JavaScript off: it needs none).
    group = browser.new_context(**browser_context_args, java_script_enabled=False).new_page()
    log_in(group, url, "0813-7777-0001", PASSWORD)
    group.goto(f"{url}/kelola/{SLUG}/pre-order")
    group.get_by_role("link", name=t(app, "Open a round")).click()
    group.fill("main [name=title]", "Kue Lebaran 2027")
    group.fill("main [name=last_order_day]", (today + timedelta(days=3)).isoformat())
    group.fill("main [name=ready_on]", (today + timedelta(days=8)).isoformat())
    group.fill("main [name=handover]", "Ambil di rumah Bu Ratna")
    group.fill(f"main [name=cap_{small}]", "20")
    group.fill(f"main [name=cap_{large}]", "10")
    group.get_by_role("button", name=t(app, "Open the round")).click()
    expect(group.locator("h1")).to_have_text("Kue Lebaran 2027")
    group.screenshot(path=str(tmp_path / "round-opened.png"), full_page=True)

    # A buyer sees the dates on the product page, orders 3 small and 1 large jar.
    buyer = browser.new_context(**browser_context_args).new_page()
    buyer.goto(url + seeded["product"])
    box = buyer.locator(".preorder-box")
    expect(box).to_contain_text("Kue Lebaran 2027")
    expect(box).to_contain_text("23.59 WIB")
    expect(box).to_contain_text(t(app, "%(num)d left in this round", num=20))
    for variant, quantity in ((small, "3"), (large, "1")):
        buyer.goto(url + seeded["product"])
        buyer.select_option("#add-variant", str(variant))
        buyer.fill("#add-quantity", quantity)
        buyer.locator("form.add-to-cart button[type=submit]").click()
        expect(buyer.locator("h1")).to_have_count(1)
    buyer.goto(f"{url}/keranjang")
    expect(buyer.locator(".preorder-line").first).to_contain_text("Kue Lebaran 2027")
    buyer.screenshot(path=str(tmp_path / "cart.png"), full_page=True)
    buyer.locator("main a[href='/checkout']").click()
    buyer.fill("main [name=name]", "Bu Ani Lestari")
    buyer.fill("main [name=phone]", "0812-3456-7890")
    buyer.fill("main [name=email]", "ani@example.id")
    buyer.select_option("main [name=province]", "15")
    buyer.select_option("main [name=regency]", "15.71")
    buyer.fill("main [name=address]", "Jl. Kenanga 5, Telanaipura")
    buyer.check("main [name^='delivery-'][value=pickup]")
    buyer.check("main [name^='payment-'][value=cash]")
    buyer.locator("main form button[type=submit]:not([name])").click()
    expect(buyer.locator("a[href*='/lacak/ET-']")).to_have_count(1)

    # The deadline passes: the periodic job closes the round and tells the buyer.
    with app.app_context():
        db.session.execute(update(Round).values(closes_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert jobs.close_due() == 1
        told = db.session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.kind == "round_closed")
        ).all()
    assert told == ["ani@example.id"]

    # The group prints the production list: one A4 sheet, without the button.
    printing = browser.new_context(**browser_context_args).new_page()
    log_in(printing, url, "0813-7777-0001", PASSWORD)
    printing.goto(f"{url}/kelola/{SLUG}/pre-order")
    printing.get_by_role("link", name="Kue Lebaran 2027").click()
    expect(printing.locator(".round-production tbody tr")).to_have_count(2)
    printing.get_by_role("link", name=t(app, "Printable lists")).click()
    button = printing.get_by_role("button", name=t(app, "Print"), exact=True)
    expect(button).to_be_visible()
    printing.screenshot(path=str(tmp_path / "print.png"), full_page=True)
    printed = tmp_path / "production.pdf"
    printed.write_bytes(printing.pdf(prefer_css_page_size=True, print_background=True))
    pages, size, text = _pdf(printed)
    assert pages == 1
    width, height = (float(n) for n in re.findall(r"[\d.]+", size)[:2])
    assert (round(width), round(height)) == (595, 842), size  # A4
    assert "Kue Nastar Keju Toples 250 g 3" in text
    assert "Kue Nastar Keju Toples 500 g 1" in text
    assert "Bu Ani Lestari" in text
    assert t(app, "Print") not in text.split()
