"""The printable poster (A4) and table card (A6): one page, the chosen products, a QR that scans.

The PDF is an export: without a queue the link makes it at once and sends
the browser to the file, which opens in the phone's viewer (`inline`)."""

from __future__ import annotations

import re
import subprocess

import pytest
from sqlalchemy import func, select

from shop.catalogue.services import refresh_derived
from shop.exports.models import Export
from shop.extensions import db
from tests.factories import GroupFactory, MembershipFactory, ProductFactory, VariantFactory

PAGE_SIZES = {"a4": "595.276 x 841.89", "a6": "297.638 x 419.528"}


@pytest.fixture
def kit(app_ctx):
    membership = MembershipFactory(group=GroupFactory(name="Kelompok Mawar Jambi"))
    products = []
    for name, price in (
        ("Dodol Nanas", 20000),
        ("Keripik Singkong Balado", 15000),
        ("Kopi Liberika", 45000),
        ("Lempok Durian", 30000),
    ):
        product = ProductFactory(group=membership.group, name=name)
        VariantFactory(product=product, price=price)
        refresh_derived(product)
        products.append(product)
    return membership, products


def pdf_facts(tmp_path, data: bytes) -> tuple[str, str]:
    path = tmp_path / "poster.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return info.stdout, text


@pytest.mark.parametrize("size", ["a4", "a6"])
def test_one_page_with_the_chosen_products_and_a_qr_that_scans(
    client, login_as, kit, size, tmp_path, decode_qr
):
    membership, products = kit
    login_as(membership.user)
    chosen = [products[3], products[0]]
    response = client.get(
        f"/kelola/{membership.group.slug}/promosi/poster.pdf",
        query_string={"ukuran": size, "produk": [p.id for p in chosen]},
    )
    assert response.status_code == 303
    assert re.fullmatch(r"/unduhan/[\w-]+/berkas", response.headers["Location"])
    response = client.get(response.headers["Location"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    name = "poster" if size == "a4" else "kartu-meja"
    disposition = f"inline; filename={name}-{membership.group.slug}.pdf"
    assert response.headers["Content-Disposition"] == disposition
    info, text = pdf_facts(tmp_path, response.data)
    assert re.search(r"^Pages:\s+1$", info, re.M)
    assert PAGE_SIZES[size] in info
    flat = " ".join(text.split())
    assert "Kelompok Mawar Jambi" in flat
    assert flat.index("Lempok Durian") < flat.index("Dodol Nanas")  # in the order chosen
    assert "Kopi Liberika" not in flat and "Keripik Singkong" not in flat
    assert "Rp30.000" in flat and f"/s/{membership.group.short_code}" in flat.replace(" ", "")

    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(tmp_path / "poster.pdf"), str(png)])
    scanned = decode_qr((tmp_path / "page-1.png").read_bytes())
    assert scanned.endswith(f"/s/{membership.group.short_code}")
    assert scanned.startswith("http")


def test_without_a_choice_the_first_three_and_others_products_are_ignored(
    client, login_as, kit, tmp_path
):
    membership, products = kit
    stranger = ProductFactory(name="Produk Kelompok Lain")
    VariantFactory(product=stranger)
    login_as(membership.user)
    response = client.get(
        f"/kelola/{membership.group.slug}/promosi/poster.pdf",
        query_string={"produk": [stranger.id, "x", "999999"]},
        follow_redirects=True,
    )
    _, text = pdf_facts(tmp_path, response.data)
    flat = " ".join(text.split())
    assert "Produk Kelompok Lain" not in flat
    assert sum(p.name.split()[0] in flat for p in products) == 3


def test_print_view_and_who_may_see_it(client, login_as, kit):
    membership, _ = kit
    slug = membership.group.slug
    assert client.get(f"/kelola/{slug}/promosi/poster").status_code == 302  # log in first
    login_as(membership.user)
    page = client.get(f"/kelola/{slug}/promosi/poster", query_string={"ukuran": "a6"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'class="poster poster-a6"' in html
    assert "/static/css/poster" in html and "poster.pdf" in html
    assert client.get(f"/kelola/{slug}/promosi/poster?ukuran=a3").status_code == 404
    other = MembershipFactory()
    assert client.get(f"/kelola/{other.group.slug}/promosi/poster.pdf").status_code == 404
    assert client.get(f"/kelola/{slug}/promosi/poster.pdf?ukuran=a3").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Export)) == 0
    kit_page = client.get(f"/kelola/{slug}/promosi").get_data(as_text=True)
    assert f"/kelola/{slug}/promosi/poster.pdf?ukuran=a6" in kit_page
