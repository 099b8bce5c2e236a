"""Groups that take orders on WhatsApp too: the buyer gets a button with the order filled in."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from shop.catalogue.services import refresh_derived
from shop.extensions import db
from shop.groups.models import Group
from tests.factories import GroupFactory, MembershipFactory, ProductFactory, VariantFactory
from tests.functional.checkout.test_cart_and_checkout import ORIGIN, add, field
from tests.functional.groups.test_groups import PROFILE


@pytest.fixture
def groups():
    on = GroupFactory(name="Kelompok Abon", whatsapp="+6281277778888", whatsapp_orders=True)
    off = GroupFactory(name="Kelompok Rajut", whatsapp="+6281299990000")
    variants = []
    for group, name, price in ((on, "Abon Lele <Pedas>", 25000), (off, "Tas Rajut", 150000)):
        product = ProductFactory(group=group, name=name)
        variants.append(VariantFactory(product=product, price=price, stock=10))
        refresh_derived(product)
    return on, off, variants


def place(client, groups) -> str:
    on, off, (abon, tas) = groups
    add(client, abon, 2, **ORIGIN)
    add(client, tas, 1, **ORIGIN)
    page = client.get("/checkout").get_data(as_text=True)
    placed = client.post(
        "/checkout",
        data={
            "cart_id": field(page, "cart_id"),
            "cart_version": field(page, "cart_version"),
            "quoted": field(page, "quoted"),
            "name": "Bu Ani",
            "phone": "0812-3456-7890",
            "province": "15",
            "regency": "15.71",
            f"delivery-{on.id}": "pickup",
            f"payment-{on.id}": "transfer",
            f"delivery-{off.id}": "pickup",
            f"payment-{off.id}": "cash",
        },
    )
    assert placed.status_code == 303
    return client.get(placed.headers["Location"]).get_data(as_text=True)


def test_the_buyer_gets_a_whatsapp_button_only_for_groups_that_asked(client, groups):
    on, off, _ = groups
    page = place(client, groups)
    links = [unescape(href) for href in re.findall(r'href="(https://wa\.me/[^"]+)"', page)]
    orders = [link for link in links if "memesan" in parse_qs(urlsplit(link).query)["text"][0]]
    assert len(orders) == 1 and orders[0].startswith("https://wa.me/6281277778888?")
    to_group = orders
    text = parse_qs(urlsplit(to_group[0]).query)["text"][0]
    number = re.search(r"ET-[0-9A-Z]+", text).group(0)
    # A transfer: its unique code (1-499 rupiah) is on the total and named.
    code = int(text.split("Kode unik: Rp")[1].splitlines()[0])
    assert text.splitlines() == [
        "Halo Kelompok Abon, saya baru saja memesan di Etalase.",
        f"Pesanan {number}:",
        "- Abon Lele <Pedas> (100 g) × 2 = Rp50.000",
        f"Kode unik: Rp{code}",
        f"Total: Rp{50000 + code:,}".replace(",", "."),
        "Pengiriman: Ambil di tempat kelompok",
        "Pembayaran: Transfer bank",
        "Nama: Bu Ani",
    ]
    assert "Abon Lele &lt;Pedas&gt;" in page  # the name is escaped on the page


def test_a_group_turns_it_on_only_with_a_whatsapp_number(client, login_as):
    membership = MembershipFactory()
    login_as(membership.user)
    slug = membership.group.slug
    refused = client.post(
        f"/kelola/{slug}/profil", data={**PROFILE, "whatsapp": "", "whatsapp_orders": "y"}
    )
    assert "Isi nomor WhatsApp tujuan pesanan." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Group, membership.group_id).whatsapp_orders

    saved = client.post(f"/kelola/{slug}/profil", data={**PROFILE, "whatsapp_orders": "y"})
    assert saved.status_code == 302
    db.session.expire_all()
    group = db.session.scalar(select(Group).where(Group.id == membership.group_id))
    assert group.whatsapp_orders and group.whatsapp == "+6281211112222"
