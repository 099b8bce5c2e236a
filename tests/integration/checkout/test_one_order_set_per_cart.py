"""Ten tabs of one cart pressing "Place order" at once, against a real threaded
server: one set of orders, stock taken once, every tab on the same confirmation."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from shop.catalogue.models import Variant
from shop.extensions import db
from shop.orders.models import Checkout, Order
from tests.conftest import make_live_app, serve
from tests.http_client import add_to_cart, checkout_form, form_field

TABS = 10


@pytest.mark.no_db_transaction
def test_ten_tabs_of_one_cart_place_one_set_of_orders(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "tabs")
    with app.app_context():
        from tests.factories import on_sale

        abon = on_sale("Kelompok Abon Tab", "Abon Lele", price=25000, stock=5)
        kue = on_sale("Kelompok Kue Tab", "Kue Nastar", price=40000, stock=5)
        ids = {"abon": abon.id, "kue": kue.id}
        groups = {"abon": abon.product.group_id, "kue": kue.product.group_id}

    with serve(app) as base:
        with requests.Session() as browser:
            for variant_id in ids.values():
                assert add_to_cart(browser, base, variant_id).status_code == 302
            # Ten tabs of the same browser open the checkout page (one cookie jar).
            pages = [browser.get(f"{base}/checkout", timeout=30).text for _ in range(TABS)]
            cookies = browser.cookies.get_dict()

        forms = []
        for page in pages:
            form = checkout_form(page, groups["abon"], name="Bu Ani", phone="081234567890")
            form[f"delivery-{groups['kue']}"] = "pickup"
            form[f"payment-{groups['kue']}"] = "cash"
            forms.append(form)
        everyone_ready = threading.Barrier(TABS, timeout=60)

        def press(form: dict) -> requests.Response:
            with requests.Session() as tab:
                tab.cookies.update(cookies)
                everyone_ready.wait()
                return tab.post(f"{base}/checkout", data=form, allow_redirects=False, timeout=60)

        with ThreadPoolExecutor(max_workers=TABS) as pool:
            answers = list(pool.map(press, forms))

        # A tab pressed again later, after the cart was emptied: same place.
        with requests.Session() as late_tab:
            late_tab.cookies.update(cookies)
            late = late_tab.post(
                f"{base}/checkout", data=forms[0], allow_redirects=False, timeout=30
            )
            confirmation = late_tab.get(base + answers[0].headers["Location"], timeout=30)

    assert [a.status_code for a in answers] == [303] * TABS, [a.text[:500] for a in answers]
    places = {a.headers["Location"] for a in answers}
    assert len(places) == 1, places
    assert late.status_code == 303 and late.headers["Location"] in places
    assert confirmation.status_code == 200
    assert confirmation.text.count("/lacak/ET-") == 2  # the two groups' orders
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Checkout)) == 1
        assert db.session.scalar(select(func.count()).select_from(Order)) == 2
        assert db.session.get(Variant, ids["abon"]).stock == 4
        assert db.session.get(Variant, ids["kue"]).stock == 4


@pytest.mark.no_db_transaction
def test_a_tab_showing_an_older_cart_places_nothing(tmp_path_factory):
    """Tab A opened the checkout; tab B then added a product: A's press shows
    the checkout again, with the cart as it is now, and orders nothing."""
    app = make_live_app(tmp_path_factory, "stale_tab")
    with app.app_context():
        from tests.factories import on_sale

        abon = on_sale("Kelompok Abon Lama", "Abon Sapi", price=30000, stock=5)
        kue = on_sale("Kelompok Abon Lama 2", "Kerupuk Lele", price=15000, stock=5)
        abon_id, kue_id, group_id = abon.id, kue.id, abon.product.group_id
        kue_group = kue.product.group_id

    with serve(app) as base, requests.Session() as browser:
        browser.cookies.set("lang", "en")
        add_to_cart(browser, base, abon_id)
        tab_a = browser.get(f"{base}/checkout", timeout=30).text
        add_to_cart(browser, base, kue_id)  # tab B
        form = checkout_form(tab_a, group_id, name="Bu Ani", phone="081234567890")
        form[f"delivery-{kue_group}"] = "pickup"
        form[f"payment-{kue_group}"] = "cash"
        stale = browser.post(f"{base}/checkout", data=form, allow_redirects=False, timeout=30)
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Order)) == 0
        # Placing from the page drawn again orders the cart it shows.
        form["cart_version"] = form_field(stale.text, "cart_version")
        form["quoted"] = form_field(stale.text, "quoted")
        placed = browser.post(f"{base}/checkout", data=form, allow_redirects=False, timeout=30)

    assert stale.status_code == 200
    assert "Your cart changed after this page was opened" in stale.text
    assert "Kerupuk Lele" in stale.text
    assert placed.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order)) == 2
        assert db.session.get(Variant, abon_id).stock == 4
