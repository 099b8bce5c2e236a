"""A product's photos chosen together in the product form: stored in the order
chosen (the first is the cover), all or nothing (a refused file is named and
leaves no row and no stored file), at most 8 with the product's own counted,
and each counted by the group's daily quota."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from shop.catalogue.models import Product, ProductPhoto, ProductStatus
from shop.catalogue.services import MAX_PHOTOS
from shop.extensions import db
from shop.grants.services import MAX_ITEM_PHOTOS as GRANT_ITEM_MAX_PHOTOS
from shop.media.models import Image as StoredImage
from shop.media.services import EARLY_CHECKS_BY_ENDPOINT, upload_key
from shop.media.storage import get_storage
from shop.visits.services import MAX_PHOTOS as VISIT_MAX_PHOTOS
from tests.factories import MembershipFactory, ProductFactory, ProductPhotoFactory, VariantFactory

TRUNCATED = (Path(__file__).parents[2] / "fixtures" / "images" / "truncated.jpg").read_bytes()
PRODUCT = {
    "name": "Kerupuk Lele Original",
    "category": "makanan-ringan",
    "variants-0-label": "250 g",
    "variants-0-price": "20.000",
    "variants-0-stock_mode": "stock",
    "variants-0-stock": "30",
    "variants-0-min_order_qty": "1",
    "publish": "1",
}


def jpeg(shade: int) -> bytes:
    """A small JPEG of its own for each shade (its width differs too: two near
    shades may encode to the same bytes, which are one stored photo)."""
    buf = io.BytesIO()
    Image.new("RGB", (100 + shade, 90), (shade % 256, 100, 60)).save(buf, "JPEG")
    return buf.getvalue()


def files(*photos: tuple[bytes, str]) -> list[tuple[io.BytesIO, str]]:
    return [(io.BytesIO(data), name) for data, name in photos]


def key_of(data: bytes) -> str:
    return upload_key(hashlib.sha256(data).hexdigest(), private=False)


def stored_paths() -> set[str]:
    return {f.path for f in get_storage().iter_files()}


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Product, ProductPhoto, StoredImage)
    )


@pytest.fixture
def member(client, login_as):
    membership = MembershipFactory()
    login_as(membership.user)
    return membership


def post_new(client, member, photos, **extra):
    return client.post(
        f"/kelola/{member.group.slug}/produk/baru",
        data={**PRODUCT, **extra, "photo": photos},
        content_type="multipart/form-data",
    )


def test_three_photos_in_one_post_are_three_photos_in_order_cover_first(client, member):
    sent = [jpeg(10), jpeg(120), jpeg(240)]
    form = client.get(f"/kelola/{member.group.slug}/produk/baru").get_data(as_text=True)
    assert 'type="file"' in form and " multiple" in form and 'name="photo"' in form
    before = stored_paths()

    response = post_new(
        client,
        member,
        files((sent[0], "IMG_1.jpg"), (sent[1], "IMG_2.jpg"), (sent[2], "IMG_3.jpg")),
        photo_alt="Kerupuk lele dalam toples",
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    product = db.session.scalar(select(Product).where(Product.name == PRODUCT["name"]))
    assert [p.image.key for p in product.photos] == [key_of(data) for data in sent]
    assert [p.position for p in product.photos] == [0, 1, 2]
    assert [p.alt_text for p in product.photos] == [
        "Kerupuk lele dalam toples",
        PRODUCT["name"],
        PRODUCT["name"],
    ]
    assert all(p.image.group_id == member.group_id for p in product.photos)
    # Each stored through the storage as a single upload is, variants made by its job.
    assert all(p.image.ready for p in product.photos)
    variants = {p.image.path_for(w) for p in product.photos for w in p.image.width_list}
    assert variants <= stored_paths() - before
    page = client.get(f"/k/{member.group.slug}/{product.slug}").get_data(as_text=True)
    assert page.index(product.photos[0].image.key) < page.index(product.photos[2].image.key)


@pytest.mark.parametrize(
    ("bad", "name", "status", "says"),
    [
        (b"<svg onload=alert(1)>", "bukan-foto.jpg", 415, "“bukan-foto.jpg”: File ini bukan foto"),
        (TRUNCATED, "terpotong.jpg", 422, "“terpotong.jpg”: Foto ini rusak"),
        (b"%PDF-1.4 katalog", "katalog.pdf", 415, "“katalog.pdf”: Pilih foto: JPEG, PNG"),
    ],
    ids=["not-a-photo", "truncated", "pdf-by-name"],
)
def test_one_refused_file_saves_nothing_and_says_which(client, member, bad, name, status, says):
    before, stored = counts(), stored_paths()

    response = post_new(
        client, member, files((jpeg(11), "IMG_1.jpg"), (bad, name), (jpeg(33), "IMG_3.jpg"))
    )

    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert says in html
    assert "Pilih fotonya lagi sebelum menyimpan" in html
    assert counts() == before
    assert stored_paths() == stored  # the first photo's file was taken back


def test_a_file_too_big_saves_nothing_and_says_which_in_english(app, client, member, monkeypatch):
    # A small limit keeps the test's request in memory; the rule is the same at 12 MB.
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 5000)
    buf = io.BytesIO()
    Image.effect_noise((200, 200), 100).convert("RGB").save(buf, "JPEG", quality=95)
    assert len(buf.getvalue()) > 5000 > len(jpeg(12))
    client.set_cookie("lang", "en")
    before, stored = counts(), stored_paths()

    response = post_new(
        client,
        member,
        files((jpeg(12), "IMG_1.jpg"), (jpeg(34), "IMG_2.jpg"), (buf.getvalue(), "BESAR.jpg")),
    )

    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "“BESAR.jpg”: The photo is too large" in html
    assert "Nothing is saved yet. Choose the photos again" in html
    assert counts() == before and stored_paths() == stored


def test_more_than_eight_photos_are_refused_before_any_is_stored(client, member):
    before, stored = counts(), stored_paths()

    response = post_new(
        client, member, files(*[(jpeg(20 * n), f"IMG_{n}.jpg") for n in range(MAX_PHOTOS + 1)])
    )

    assert response.status_code == 200
    assert "Satu produk maksimal punya 8 foto." in response.get_data(as_text=True)
    assert counts() == before and stored_paths() == stored


def _product_with_photos(member, count: int) -> Product:
    product = ProductFactory(group=member.group, name="Abon Lele", status=ProductStatus.DRAFT)
    VariantFactory(product=product)
    for _ in range(count):
        ProductPhotoFactory(product=product)
    db.session.commit()
    return product


def _post_edit(client, member, product, photos):
    return client.post(
        f"/kelola/{member.group.slug}/produk/{product.id}",
        data={
            "name": product.name,
            "category": product.category.value,
            "variants-0-id": str(product.variants[0].id),
            "variants-0-label": product.variants[0].label,
            "variants-0-price": str(product.variants[0].price),
            "variants-0-stock_mode": "order",
            "variants-0-min_order_qty": "1",
            "photo": photos,
        },
        content_type="multipart/form-data",
    )


def test_the_edit_form_adds_photos_after_the_products_own(client, member):
    product = _product_with_photos(member, 2)
    own = [p.id for p in product.photos]
    page = client.get(f"/kelola/{member.group.slug}/produk/{product.id}").get_data(as_text=True)
    assert "Anda bisa memilih sampai 6 foto lagi sekaligus" in page

    response = _post_edit(client, member, product, files((jpeg(50), "a.jpg"), (jpeg(60), "b.jpg")))

    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert [p.id for p in product.photos][:2] == own  # the cover stays the cover
    assert [p.image.key for p in product.photos][2:] == [key_of(jpeg(50)), key_of(jpeg(60))]


def test_the_edit_form_counts_the_products_own_photos(client, member):
    product = _product_with_photos(member, 6)
    before, stored = counts(), stored_paths()

    response = _post_edit(
        client, member, product, files(*[(jpeg(70 + n), f"{n}.jpg") for n in range(3)])
    )

    assert response.status_code == 200
    assert "Sudah ada 6: pilih paling banyak 2 lagi." in response.get_data(as_text=True)
    assert counts() == before and stored_paths() == stored


def test_a_product_with_eight_photos_offers_no_photo_input(client, member):
    product = _product_with_photos(member, MAX_PHOTOS)
    page = client.get(f"/kelola/{member.group.slug}/produk/{product.id}").get_data(as_text=True)
    assert 'name="photo"' not in page
    assert "paling banyak yang bisa dimilikinya" in page


def test_the_daily_quota_counts_every_photo_of_the_post(app, client, member, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_DAILY_QUOTA", 4)
    product = _product_with_photos(member, 0)
    assert _post_edit(client, member, product, files((jpeg(80), "a.jpg"))).status_code == 302
    before, stored = counts(), stored_paths()

    # 1 today + 3 = 4: the quota is reached at the fourth new photo of the day.
    response = post_new(
        client,
        member,
        files((jpeg(81), "x.jpg"), (jpeg(82), "y.jpg"), (jpeg(83), "z.jpg"), (jpeg(84), "w.jpg")),
    )

    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "“w.jpg”: Kelompok Anda sudah menambahkan 4 foto baru hari ini" in html
    assert counts() == before and stored_paths() == stored
    # Three fit: saved.
    assert (
        post_new(
            client, member, files((jpeg(81), "x.jpg"), (jpeg(82), "y.jpg"), (jpeg(83), "z.jpg"))
        ).status_code
        == 302
    )


def test_every_photo_of_the_form_is_checked_before_the_database_lock(client, member, monkeypatch):
    from shop.media import services

    assert EARLY_CHECKS_BY_ENDPOINT == {
        "catalogue.create_product": MAX_PHOTOS,
        "catalogue.edit_product": MAX_PHOTOS,
        "visits.new": VISIT_MAX_PHOTOS,
        "visits.edit": VISIT_MAX_PHOTOS,
        "grants.item_new": GRANT_ITEM_MAX_PHOTOS,
        "grants.item_edit": GRANT_ITEM_MAX_PHOTOS,
    }
    real_verify = services.verify_photo
    in_transaction: list[bool] = []

    def verify(*args, **kwargs):
        in_transaction.append(db.session().in_transaction())
        return real_verify(*args, **kwargs)

    monkeypatch.setattr(services, "verify_photo", verify)

    response = post_new(client, member, files(*[(jpeg(90 + n), f"{n}.jpg") for n in range(3)]))

    assert response.status_code == 302
    assert in_transaction == [False, False, False]
