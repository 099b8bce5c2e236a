"""The whole consignment story through the forms, as a member does it on a
phone: add a warung, leave goods, come back, count, get paid."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from shop.catalogue.models import Product
from shop.consignment.models import Consignment, Outlet, Visit
from shop.core.clock import jakarta_today
from shop.extensions import db
from tests.factories import ProductFactory, VariantFactory
from tests.functional.consignment.conftest import leave, stock_of, text_of

OUTLET = {
    "name": "Warung Bu Sari",
    "owner_name": "Bu Sari",
    "whatsapp": "0812-9876-5432",
    "province": "33",
    "regency": "33.09",
    "district": "33.09.01",
    "address": "Jl. Pasar No. 3",
    "visit_every_days": "7",
}


def test_add_outlet_with_region_refresh_without_js(client, group):
    base = f"/kelola/{group.slug}/titip"
    form = client.get(f"{base}/warung/baru").get_data(as_text=True)
    assert 'name="region_refresh"' in form
    assert 'value="7"' in form  # visit every 7 days by default

    # No JavaScript: choose the province, press the button, get its regencies.
    page = client.post(
        f"{base}/warung/baru",
        data={**OUTLET, "regency": "", "district": "", "region_refresh": "y"},
    )
    assert page.status_code == 200
    assert "Kabupaten Boyolali" in page.get_data(as_text=True)
    assert db.session.scalar(select(Outlet).where(Outlet.group_id == group.id)) is None

    response = client.post(f"{base}/warung/baru", data=OUTLET)
    assert response.status_code == 302
    outlet = db.session.scalar(select(Outlet).where(Outlet.group_id == group.id))
    assert response.headers["Location"].endswith(f"{base}/warung/{outlet.id}")
    assert outlet.whatsapp == "+6281298765432"
    assert (outlet.province_code, outlet.regency_code, outlet.district_code) == (
        "33",
        "33.09",
        "33.09.01",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Warung Bu Sari” is added." in page
    assert "Boyolali" in page

    # Edit: district is optional.
    response = client.post(
        f"{base}/warung/{outlet.id}/ubah",
        data={**OUTLET, "name": "Warung Bu Sari Baru", "district": "", "visit_every_days": "14"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert outlet.name == "Warung Bu Sari Baru"
    assert outlet.district_code is None and outlet.visit_every_days == 14


def test_outlet_form_refusals(client, group):
    url = f"/kelola/{group.slug}/titip/warung/baru"
    cases = [
        ({"name": ""}, "Give the outlet's name."),
        ({"regency": ""}, "Choose a regency/city."),
        ({"whatsapp": "12345"}, "Enter a valid mobile/WhatsApp number"),
        ({"visit_every_days": "0"}, "Give a number of days from 1 to 90."),
        ({"visit_every_days": "91"}, "Give a number of days from 1 to 90."),
        ({"visit_every_days": "seminggu"}, "Not a valid integer value."),
        ({"visit_every_days": "9" * 40}, "This number is too large."),
        ({"name": "x" * 500}, "Use 2 to 120 characters."),
        ({"whatsapp": "<script>alert(1)</script>"}, "Enter a valid mobile/WhatsApp number"),
        ({"province": "99"}, "Choose a province from the list."),
        ({"regency": "15.71"}, "Choose a regency/city in the chosen province."),
    ]
    for change, message in cases:
        page = client.post(url, data={**OUTLET, **change})
        assert page.status_code == 200, change
        assert message in page.get_data(as_text=True), change
    assert db.session.scalar(select(Outlet).where(Outlet.group_id == group.id)) is None


def test_leave_count_and_get_paid(client, group, outlet, abon, kerupuk):
    base = f"/kelola/{group.slug}/titip/warung/{outlet.id}"
    today = jakarta_today()
    note = leave_abon_and_kerupuk(client, group, outlet, today, abon, kerupuk)

    # The public product page: the last units are at the warung now.
    product = db.session.get(Product, abon.product_id)
    public = client.get(f"/k/{group.slug}/{product.slug}").get_data(as_text=True)
    assert "Sold out" in public and "in stock" not in public

    first_visit_pays_part(client, group, base, today, note, abon, product)

    # A second visit pays the rest.
    response = client.post(
        f"{base}/kunjungan",
        data={"visited_on": today.isoformat(), "money_received": "32000"},
    )
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Rp0 sold but not paid yet" in page
    db.session.expire_all()
    assert outlet.owed == 0 and outlet.received == 132000


def leave_abon_and_kerupuk(client, group, outlet, today, abon, kerupuk) -> Consignment:
    """The form offers what is in stock at its price; 10 abon and 5 kerupuk
    are left at agreed prices, and the note says so. The note."""
    base = f"/kelola/{group.slug}/titip/warung/{outlet.id}"
    form = client.get(f"{base}/titip").get_data(as_text=True)
    assert "10 in stock" in form and "Made to order" in form
    assert f'value="{today.isoformat()}"' in form
    price = re.search(rf'<input[^>]*name="item-{abon.id}-unit_price"[^>]*>', form).group(0)
    assert 'type="text"' in price and 'value="25000"' in price and "max=" not in price

    response = client.post(
        f"{base}/titip",
        data={
            "left_on": today.isoformat(),
            f"item-{abon.id}-quantity": "10",
            f"item-{abon.id}-unit_price": "22.000",
            f"item-{kerupuk.id}-quantity": "5",
            f"item-{kerupuk.id}-unit_price": "Rp 13.000",
            "note": "Diterima Bu Sari",
        },
    )
    assert response.status_code == 302
    note = db.session.scalar(select(Consignment).where(Consignment.outlet_id == outlet.id))
    assert response.headers["Location"].endswith(f"{base}?nota={note.number}")
    assert stock_of(abon) == 0 and stock_of(kerupuk) is None

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Note {note.number} is saved: 15 units left at Warung Bu Sari, worth Rp285,000." in page
    assert f"/kelola/{group.slug}/titip/nota/{note.number}" in page  # print it
    assert f"/kelola/{group.slug}/titip/nota/{note.number}.pdf" in page
    assert "Rp285,000" in text_of(page)  # value still out
    return note


def first_visit_pays_part(client, group, base, today, note, abon, product) -> None:
    """The visit: 6 sold, 2 back still good, 1 expired; Rp100,000 of Rp132,000 paid."""
    visit_form = client.get(f"{base}/kunjungan").get_data(as_text=True)
    lines = {line.product_name: line for line in note.lines}
    abon_line, kerupuk_line = lines["Abon Lele"], lines["Kerupuk Lele"]
    assert note.number in visit_form and "still out: 10" in visit_form
    assert "go back into your online stock" in visit_form
    response = client.post(
        f"{base}/kunjungan",
        data={
            "visited_on": today.isoformat(),
            f"line-{abon_line.id}-sold": "6",
            f"line-{abon_line.id}-restocked": "2",
            f"line-{abon_line.id}-written_off": "1",
            f"line-{kerupuk_line.id}-sold": "",
            "money_received": "100.000",
            "note": "Bu Sari bayar sebagian",
        },
    )
    assert response.status_code == 302, text_of(response.get_data(as_text=True))[:3000]
    assert stock_of(abon) == 2  # the good ones are back on sale online
    page = text_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert (
        "The visit is recorded: Rp132,000 sold, Rp100,000 received. Still owed: Rp32,000." in page
    )
    # Still out: 1 abon (Rp22,000) + 5 kerupuk (Rp65,000).
    assert "6 units still here" in page
    assert "Rp87,000 value still here" in page
    assert "Rp32,000 sold but not paid yet" in page
    assert "Still out 1 · Rp22,000" in page
    assert "Written off (expired/damaged) 1" in page
    assert "6 sold, 2 back in stock, 1 written off" in page
    public = client.get(f"/k/{group.slug}/{product.slug}").get_data(as_text=True)
    assert "2 in stock" in public


def test_leave_goods_refusals_keep_values_and_save_nothing(client, group, outlet, abon, kerupuk):
    url = f"/kelola/{group.slug}/titip/warung/{outlet.id}/titip"
    today = jakarta_today()
    good = {
        "left_on": today.isoformat(),
        f"item-{abon.id}-quantity": "3",
        f"item-{abon.id}-unit_price": "22000",
    }
    cases = [
        ({f"item-{abon.id}-quantity": "11"}, "Only 10 of Abon Lele (100 g) are in stock."),
        ({f"item-{abon.id}-quantity": ""}, "Add at least one product and how many you leave."),
        (
            {"left_on": (today + timedelta(days=1)).isoformat()},
            "The date cannot be in the future.",
        ),
        ({"left_on": "kemarin"}, "Not a valid date value."),
        ({"left_on": ""}, "Give the date."),
        ({f"item-{abon.id}-quantity": "tiga"}, "Not a valid integer value."),
        ({f"item-{abon.id}-quantity": "-2"}, "Give a quantity from 0 to 10.000."),
        ({f"item-{abon.id}-quantity": "10001"}, "Give a quantity from 0 to 10.000."),
        ({f"item-{abon.id}-quantity": "9" * 30}, "This number is too large."),
        ({f"item-{abon.id}-unit_price": ""}, "Give the agreed price per unit in rupiah."),
        ({f"item-{abon.id}-unit_price": "999999999999"}, "Give a price from Rp0 to Rp100.000.000."),
        ({"note": "x" * 1001}, "Use at most 1000 characters."),
    ]
    for change, message in cases:
        page = client.post(url, data={**good, **change})
        html = page.get_data(as_text=True)
        assert page.status_code == 200, change
        assert message in html, change
        # What was typed is still there.
        for name, value in {**good, **change}.items():
            if name.endswith("quantity") and value and len(value) < 20:
                assert f'value="{value}"' in html, (change, name)
    # A refusal of the whole note is said once, at the top, with no empty field list.
    html = client.post(url, data={**good, f"item-{abon.id}-quantity": "11"}).get_data(as_text=True)
    assert "Please correct the fields marked below." not in html
    assert db.session.scalar(select(Consignment).where(Consignment.outlet_id == outlet.id)) is None
    assert stock_of(abon) == 10


def test_visit_refusals_save_nothing(client, group, outlet, abon):
    base = f"/kelola/{group.slug}/titip/warung/{outlet.id}"
    today = jakarta_today()
    note = leave(client, outlet, abon, 4)
    line = note.lines[0]
    cases = [
        (
            {f"line-{line.id}-sold": "3", f"line-{line.id}-restocked": "2"},
            "Only 4 of Abon Lele (100 g) are still at the outlet.",
        ),
        (
            {f"line-{line.id}-sold": "1", "money_received": "20001"},
            "The outlet owes Rp20,000 with this visit's sales; the money received cannot be more.",
        ),
        (
            {"visited_on": (today + timedelta(days=1)).isoformat()},
            "The date cannot be in the future.",
        ),
        (
            {"visited_on": (today - timedelta(days=1)).isoformat(), f"line-{line.id}-sold": "1"},
            f"The visit cannot be before the goods were left (note {note.number}).",
        ),
        ({f"line-{line.id}-sold": "-1"}, "Give a number from 0 to 10.000."),
        ({"money_received": "-5"}, "Give the money received in rupiah."),
        ({"money_received": "9" * 40}, "This number is too large."),
    ]
    for change, message in cases:
        page = client.post(f"{base}/kunjungan", data={"visited_on": today.isoformat(), **change})
        assert page.status_code == 200, change
        assert message in page.get_data(as_text=True), change
    assert db.session.scalar(select(Visit).where(Visit.outlet_id == outlet.id)) is None
    db.session.expire_all()
    assert (line.sold, line.restocked, line.written_off) == (0, 0, 0)
    assert stock_of(abon) == 6


def test_logged_out_posts_change_nothing(client, group, outlet, abon):
    base = f"/kelola/{group.slug}/titip/warung/{outlet.id}"
    token = client.csrf_token()
    client.post("/keluar")
    for url in [f"{base}/arsip", f"{base}/titip", f"/kelola/{group.slug}/titip/warung/baru"]:
        response = client.post(url, data={**OUTLET, "csrf_token": token})
        assert response.status_code in (302, 400), url
        if response.status_code == 302:
            assert "/masuk" in response.headers["Location"]
    db.session.expire_all()
    assert outlet.archived_at is None
    assert db.session.scalar(select(Consignment)) is None


def test_rows_left_empty_are_not_checked(client, group, outlet, abon):
    """A product priced above what a note takes is fine while it is not left."""
    dear = VariantFactory(product=ProductFactory(group=group), price=500_000_000, stock=None)
    url = f"/kelola/{group.slug}/titip/warung/{outlet.id}/titip"
    form = client.get(url).get_data(as_text=True)
    assert 'class="error"' not in form
    response = client.post(
        url,
        data={
            "left_on": jakarta_today().isoformat(),
            f"item-{abon.id}-quantity": "1",
            f"item-{abon.id}-unit_price": "20000",
            f"item-{dear.id}-quantity": "",
            f"item-{dear.id}-unit_price": "500000000",
        },
    )
    assert response.status_code == 302
