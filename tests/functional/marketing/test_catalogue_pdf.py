"""The printable catalogue: every published product, none split across pages, 200 of them."""

from __future__ import annotations

import io
import re
import subprocess

from PIL import Image as PILImage

from shop.catalogue.models import ProductStatus
from shop.catalogue.services import refresh_derived
from shop.extensions import db
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    ProductFactory,
    ProductPhotoFactory,
    VariantFactory,
)
from tests.uploads import store_ready


def jpeg(colour) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (400, 400), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def test_two_hundred_products_each_whole_on_one_page(client, login_as, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path / "media"))
    membership = MembershipFactory(group=GroupFactory(name="Kelompok Katalog Besar"))
    group = membership.group
    photos = [store_ready(jpeg((40 * i, 120, 200 - 40 * i))) for i in range(5)]
    for n in range(200):
        product = ProductFactory(
            group=group,
            name=f"Produk Nomor {n:03d}",
            slug=f"produk-{n:03d}",
            pirt_number=f"P{n:05d}",
        )
        VariantFactory(product=product, label="100 g", price=10000 + n)
        if n % 3 == 0:
            VariantFactory(product=product, label="250 g", price=20000 + n, stock=None)
        ProductPhotoFactory(product=product, image=photos[n % 5], alt_text="foto")
        refresh_derived(product)
    hidden = ProductFactory(group=group, name="Produk Draf Rahasia", status=ProductStatus.DRAFT)
    VariantFactory(product=hidden)
    db.session.flush()
    login_as(membership.user)

    response = client.get(f"/kelola/{group.slug}/promosi/katalog.pdf", follow_redirects=True)

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "katalog.pdf"
    path.write_bytes(response.data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)$", info.stdout, re.M).group(1))
    assert 20 <= pages <= 80
    texts = [
        subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for page in range(1, pages + 1)
    ]
    everything = "".join(texts)
    assert "Produk Draf Rahasia" not in everything
    assert f"{pages} / {pages}" in texts[-1]  # the page counter in the footer
    for n in range(200):
        name = f"Produk Nomor {n:03d}"
        [page] = [text for text in texts if name in text]  # exactly once
        # The whole block is on that page: its price and its PIRT number too.
        assert f"Rp{(10000 + n) // 1000}.{(10000 + n) % 1000:03d}" in page
        assert f"P{n:05d}" in page


def test_only_members_get_the_catalogue(client, login_as, app_ctx):
    membership = MembershipFactory()
    other = MembershipFactory()
    login_as(membership.user)
    assert client.get(f"/kelola/{other.group.slug}/promosi/katalog.pdf").status_code == 404
    kit = client.get(f"/kelola/{membership.group.slug}/promosi").get_data(as_text=True)
    assert f"/kelola/{membership.group.slug}/promosi/katalog.pdf" in kit
