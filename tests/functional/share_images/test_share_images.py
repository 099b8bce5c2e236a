"""Link-preview pictures: 1200×630 JPEG, a new one when the product changes, public only."""

from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from flask import current_app
from flask_babel import force_locale
from PIL import Image as PILImage

from shop.catalogue.models import ProductStatus
from shop.catalogue.services import refresh_derived
from shop.db import utcnow
from shop.extensions import db
from shop.groups.models import GroupStatus
from shop.media.storage import LocalStorage
from shop.sharing.images import sweep_stale
from shop.sharing.views import share_image_url
from tests.factories import GroupFactory, ProductFactory, ProductPhotoFactory, VariantFactory
from tests.uploads import store_ready


def photo(color=(200, 120, 40), size=(900, 700)) -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", size, color).save(buf, "JPEG", quality=90)
    return buf.getvalue()


@pytest.fixture
def product(app_ctx, media_root):
    group = GroupFactory(name="Kelompok Mina Sejahtera", regency_code="15.71")
    product = ProductFactory(group=group, name="Abon Ikan Lele Pedas Manis", slug="abon")
    VariantFactory(product=product, price=25000)
    VariantFactory(product=product, price=45000, label="250 g")
    ProductPhotoFactory(product=product, image=store_ready(photo()), alt_text="Abon")
    refresh_derived(product)
    db.session.flush()
    return product


@pytest.fixture
def media_root(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path / "media"))


def url_of(thing, language: str = "id") -> str:
    with current_app.test_request_context(), force_locale(language):
        return share_image_url(thing)


def test_product_share_image_is_a_1200_by_630_jpeg_cached_for_a_year(client, product):
    url = url_of(product)
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert "immutable" in response.headers["Cache-Control"]
    with PILImage.open(io.BytesIO(response.data)) as picture:
        assert (picture.format, picture.size) == ("JPEG", (1200, 630))
        # The product photo fills the left square: its colour is there.
        assert picture.convert("RGB").getpixel((300, 300))[0] > 150


def test_a_new_price_makes_a_new_picture_and_old_links_redirect(client, product):
    old = url_of(product)
    product.variants[0].price = 20000
    refresh_derived(product)
    db.session.flush()
    new = url_of(product)
    assert new != old
    moved = client.get(old)
    assert moved.status_code == 302 and moved.headers["Location"].endswith(new)
    assert client.get(new).status_code == 200


def test_group_share_image_and_hostile_text(client, app_ctx, media_root):
    group = GroupFactory(name="<script>alert(1)</script> Kelompok" + "Sangatpanjangsekali" * 4)
    response = client.get(url_of(group))
    assert response.status_code == 200
    with PILImage.open(io.BytesIO(response.data)) as picture:
        assert picture.size == (1200, 630)


def test_only_public_things_have_share_images(client, product):
    url = url_of(product)
    product.status = ProductStatus.DRAFT
    db.session.flush()
    assert client.get(url).status_code == 404
    product.status = ProductStatus.PUBLISHED
    product.group.status = GroupStatus.SUSPENDED
    db.session.flush()
    assert client.get(url).status_code == 404
    assert client.get("/bagikan/k/tidak-ada/abc.jpg").status_code == 404


def test_sweep_removes_old_share_images_no_page_links_to_and_keeps_current_ones(client, product):
    """A price change leaves the old picture behind; `flask media sweep`
    removes it once it is old enough, and keeps the current one in both
    languages (the price line differs between them)."""
    storage = LocalStorage(current_app.config["MEDIA_ROOT"])
    old_url, old_english = url_of(product), url_of(product, "en")
    assert old_url != old_english  # "mulai Rp…" and "from Rp…"
    assert client.get(old_url).status_code == 200
    assert client.get(old_english + "?hl=en").status_code == 200
    product.variants[0].price = 20000
    refresh_derived(product)
    db.session.flush()
    current = {url_of(product), url_of(product, "en")}
    assert client.get(url_of(product)).status_code == 200
    assert client.get(url_of(product, "en") + "?hl=en").status_code == 200

    def key(url: str) -> str:
        return url.rsplit("/", 1)[-1].removesuffix(".jpg")

    def stored() -> set[str]:
        return {key(f.path) for f in storage.iter_files() if f.path.startswith("share/")}

    old_keys, current_keys = {key(old_url), key(old_english)}, {key(u) for u in current}
    assert old_keys | current_keys == stored()

    # Young files stay whatever they are (a page may be drawing one right now).
    assert sweep_stale(timedelta(hours=24)) == 0
    then = (utcnow() - timedelta(days=2)).timestamp()
    for f in storage.iter_files():
        os.utime(storage.root / f.path, (then, then))
    assert sweep_stale(timedelta(hours=24)) == 2
    assert stored() == current_keys
    # The old link still works: it leads to the current picture.
    moved = client.get(old_url)
    assert moved.status_code == 302 and client.get(moved.headers["Location"]).status_code == 200
