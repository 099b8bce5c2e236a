"""Link-preview pictures: 1200×630 JPEG, a new one when the product changes, public only."""

from __future__ import annotations

import io

import pytest
from flask import current_app
from PIL import Image as PILImage

from shop.catalogue.models import ProductPhoto, ProductStatus
from shop.catalogue.services import refresh_derived
from shop.extensions import db
from shop.groups.models import GroupStatus
from shop.media.services import store_image
from shop.sharing.views import share_image_url
from tests.factories import GroupFactory, ProductFactory, VariantFactory


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
    db.session.add(ProductPhoto(product=product, image=store_image(photo()), alt_text="Abon"))
    refresh_derived(product)
    db.session.flush()
    return product


@pytest.fixture
def media_root(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path / "media"))


def url_of(thing) -> str:
    with current_app.test_request_context():
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
