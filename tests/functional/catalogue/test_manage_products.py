"""A group member adds, edits and publishes products; another group cannot touch them."""

import io

from PIL import Image
from sqlalchemy import select

from shop.catalogue.models import Product, ProductStatus, Variant
from shop.extensions import db
from shop.media.models import Image as StoredImage
from tests.factories import MembershipFactory, ProductFactory, ProductPhotoFactory, VariantFactory

PRODUCT = {
    "name": "Abon Ikan Lele Pedas",
    "category": "makanan",
    "description": "Abon lele gurih, tanpa pengawet.",
    "variants-0-label": "100 g",
    "variants-0-price": "25.000",
    "variants-0-stock_mode": "stock",
    "variants-0-stock": "40",
    "variants-0-min_order_qty": "1",
    "variants-1-label": "250 g",
    "variants-1-price": "Rp 55.000",
    "variants-1-stock_mode": "order",
    "variants-1-lead_time_days": "3",
    "variants-1-min_order_qty": "2",
    "packaging_type": "standing-pouch",
    "net_content": "100",
    "net_unit": "g",
    "length_cm": "15",
    "width_cm": "5",
    "height_cm": "22",
    "shelf_life": "3",
    "shelf_life_unit": "bulan",
    "storage_instructions": "Simpan di tempat kering.",
    "ingredients": "Ikan lele, bawang, gula, garam.",
    "allergens": "ikan",
    "pirt_number": "2063309010123-27",
    "halal_number": "ID33110000123450824",
}


def jpeg_bytes(size=(800, 600), color=(200, 120, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG")
    return buf.getvalue()


def _count(model):
    return db.session.scalar(select(db.func.count()).select_from(model))


def test_member_creates_and_publishes_product_with_photo(client, login_as):
    membership = MembershipFactory()
    login_as(membership.user)
    slug = membership.group.slug
    data = {**PRODUCT, "publish": "1", "photo_alt": "Abon lele dalam kemasan 100 g"}
    data["photo"] = (io.BytesIO(jpeg_bytes()), "abon.jpg")
    response = client.post(
        f"/kelola/{slug}/produk/baru", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    product = db.session.scalar(select(Product).where(Product.name == "Abon Ikan Lele Pedas"))
    assert product.status is ProductStatus.PUBLISHED
    assert [
        (v.label, v.price, v.stock, v.lead_time_days, v.min_order_qty) for v in product.variants
    ] == [
        ("100 g", 25000, 40, None, 1),
        ("250 g", 55000, None, 3, 2),
    ]
    assert (product.price_min, product.price_max, product.in_stock) == (25000, 55000, True)
    assert product.net_unit.value == "g" and product.dimensions == (15, 5, 22)
    assert product.photos[0].alt_text == "Abon lele dalam kemasan 100 g"

    page = client.get(f"/k/{slug}/{product.slug}").get_data(as_text=True)
    assert "Rp25.000" in page and "Rp55.000" in page
    assert "2063309010123-27" in page
    assert "Abon lele dalam kemasan 100 g" in page


def test_invalid_product_saves_nothing_and_explains(client, login_as):
    membership = MembershipFactory()
    login_as(membership.user)
    before = (_count(Product), _count(Variant))
    data = {**PRODUCT, "variants-0-price": "dua puluh", "net_unit": "", "name": "Ab"}
    response = client.post(f"/kelola/{membership.group.slug}/produk/baru", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bukan bilangan bulat yang sah." in body
    assert "Pilih satuan isi bersih." in body
    assert (_count(Product), _count(Variant)) == before


def test_bad_photo_rejects_the_whole_product(client, login_as):
    membership = MembershipFactory()
    login_as(membership.user)
    before = (_count(Product), _count(StoredImage))
    data = {**PRODUCT, "photo": (io.BytesIO(b"<svg onload=alert(1)>"), "foto.jpg")}
    response = client.post(
        f"/kelola/{membership.group.slug}/produk/baru",
        data=data,
        content_type="multipart/form-data",
    )
    # Not a photo: refused as an unsupported type, the form shown again.
    assert response.status_code == 415
    assert (_count(Product), _count(StoredImage)) == before


def test_add_variant_button_adds_a_row_without_saving(client, login_as):
    membership = MembershipFactory()
    login_as(membership.user)
    response = client.post(
        f"/kelola/{membership.group.slug}/produk/baru", data={**PRODUCT, "add_variant": "y"}
    )
    assert 'name="variants-2-label"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Product).where(Product.name == PRODUCT["name"])) is None


def test_product_needs_a_variant(client, login_as):
    membership = MembershipFactory()
    login_as(membership.user)
    data = {k: v for k, v in PRODUCT.items() if not k.startswith("variants")}
    response = client.post(f"/kelola/{membership.group.slug}/produk/baru", data=data)
    assert "Tambahkan setidaknya satu varian beserta harganya." in response.get_data(as_text=True)


def test_edit_updates_variants_and_removes_marked_ones(client, login_as):
    membership = MembershipFactory()
    product = ProductFactory(group=membership.group)
    keep = VariantFactory(product=product, label="100 g", price=20000, position=0)
    drop = VariantFactory(product=product, label="500 g", price=80000, position=1)
    login_as(membership.user)
    data = {
        **{k: v for k, v in PRODUCT.items() if not k.startswith("variants")},
        "variants-0-id": str(keep.id),
        "variants-0-label": "100 g",
        "variants-0-price": "21000",
        "variants-0-stock_mode": "stock",
        "variants-0-stock": "5",
        "variants-0-min_order_qty": "1",
        "variants-1-id": str(drop.id),
        "variants-1-label": "500 g",
        "variants-1-price": "80000",
        "variants-1-stock_mode": "stock",
        "variants-1-stock": "1",
        "variants-1-min_order_qty": "1",
        "variants-1-remove": "y",
    }
    response = client.post(f"/kelola/{membership.group.slug}/produk/{product.id}", data=data)
    assert response.status_code == 302
    db.session.refresh(product)
    assert [(v.label, v.price) for v in product.variants] == [("100 g", 21000)]


def test_variant_id_of_another_product_is_refused(client, login_as):
    membership = MembershipFactory()
    product = ProductFactory(group=membership.group)
    VariantFactory(product=product)
    foreign = VariantFactory()
    login_as(membership.user)
    data = {**PRODUCT, "variants-0-id": str(foreign.id)}
    response = client.post(f"/kelola/{membership.group.slug}/produk/{product.id}", data=data)
    assert response.status_code == 200
    db.session.refresh(foreign)
    assert foreign.price == 25000


def test_other_groups_product_urls_are_404(client, login_as):
    mine = MembershipFactory()
    theirs = ProductFactory()
    login_as(mine.user)
    base = f"/kelola/{mine.group.slug}/produk/{theirs.id}"
    assert client.get(base).status_code == 404
    assert client.post(base, data=PRODUCT).status_code == 404
    assert client.get(base + "/foto").status_code == 404
    assert client.post(base + "/status", data={"status": "archived"}).status_code == 404
    assert client.post(base + "/foto/1/hapus").status_code == 404
    # and the owner's own URL for it, opened by someone else
    assert client.get(f"/kelola/{theirs.group.slug}/produk/{theirs.id}").status_code == 404


def test_status_changes_control_visibility(client, login_as):
    membership = MembershipFactory()
    product = ProductFactory(group=membership.group, status=ProductStatus.DRAFT)
    VariantFactory(product=product)
    url = f"/k/{membership.group.slug}/{product.slug}"
    assert client.get(url).status_code == 404
    login_as(membership.user)
    client.post(
        f"/kelola/{membership.group.slug}/produk/{product.id}/status", data={"status": "published"}
    )
    client.post("/keluar")
    assert client.get(url).status_code == 200
    login_as(membership.user)
    client.post(
        f"/kelola/{membership.group.slug}/produk/{product.id}/status", data={"status": "archived"}
    )
    client.post("/keluar")
    assert client.get(url).status_code == 404


def test_photos_reorder_and_remove(client, login_as):
    membership = MembershipFactory()
    product = ProductFactory(group=membership.group)
    VariantFactory(product=product)
    login_as(membership.user)
    base = f"/kelola/{membership.group.slug}/produk/{product.id}/foto"
    for color in ((255, 0, 0), (0, 255, 0), (0, 0, 255)):
        data = {"photo": (io.BytesIO(jpeg_bytes(color=color)), "x.jpg"), "alt_text": str(color)}
        assert client.post(base, data=data, content_type="multipart/form-data").status_code == 302
    db.session.refresh(product)
    first, second, third = product.photos
    client.post(f"{base}/{third.id}/naik")
    db.session.refresh(product)
    assert [p.id for p in product.photos] == [first.id, third.id, second.id]
    client.post(f"{base}/{first.id}/hapus")
    db.session.refresh(product)
    assert [p.id for p in product.photos] == [third.id, second.id]
    assert [p.position for p in product.photos] == [0, 1]


def test_each_photo_button_runs_its_service_and_a_refused_one_changes_nothing(client, login_as):
    membership = MembershipFactory()
    product = ProductFactory(group=membership.group)
    first, second = (ProductPhotoFactory(product=product, alt_text=t) for t in ("a", "b"))
    other = ProductPhotoFactory(product=ProductFactory(group=membership.group), alt_text="c")
    login_as(membership.user)
    base = f"/kelola/{membership.group.slug}/produk/{product.id}/foto"

    response = client.post(f"{base}/{first.id}/turun")
    assert response.headers["Location"].endswith(f"{base}#foto-{first.id}")
    db.session.refresh(product)
    assert [p.id for p in product.photos] == [second.id, first.id]
    client.post(f"{base}/{first.id}/teks", data={"alt_text": "Abon dalam toples"})
    db.session.refresh(first)
    assert first.alt_text == "Abon dalam toples"

    # Another product's photo, or an unknown button: 404, and nothing moved.
    assert client.post(f"{base}/{other.id}/hapus").status_code == 404
    assert client.post(f"{base}/{other.id}/teks", data={"alt_text": "x"}).status_code == 404
    assert client.post(f"{base}/{first.id}/putar").status_code == 404
    db.session.refresh(product)
    db.session.refresh(other)
    assert [p.id for p in product.photos] == [second.id, first.id]
    assert other.product_id != product.id and other.alt_text == "c"


def test_a_variant_row_with_a_name_but_no_price_is_refused(client, login_as):
    membership = MembershipFactory()
    login_as(membership.user)
    data = {**PRODUCT, "variants-1-price": "", "variants-1-label": "Original 250 g"}
    response = client.post(f"/kelola/{membership.group.slug}/produk/baru", data=data)
    assert response.status_code == 200
    assert "Isi harga dalam rupiah." in response.get_data(as_text=True)
    assert db.session.scalar(select(Product).where(Product.name == PRODUCT["name"])) is None


def test_a_photo_that_cannot_be_read_after_all_is_shown_as_failed(client, login_as):
    """The upload passes the quick checks (a PNG cut in half has a good
    header); its job finds it damaged, and the member is told what to do."""
    membership = MembershipFactory()
    product = ProductFactory(group=membership.group)
    VariantFactory(product=product)
    login_as(membership.user)
    buf = io.BytesIO()
    Image.effect_noise((400, 300), 50).convert("RGB").save(buf, "PNG")
    cut = buf.getvalue()[: len(buf.getvalue()) // 2]
    base = f"/kelola/{membership.group.slug}/produk/{product.id}/foto"

    sent = client.post(
        base, data={"photo": (io.BytesIO(cut), "foto.png")}, content_type="multipart/form-data"
    )
    page = client.get(base).get_data(as_text=True)

    assert sent.status_code == 302
    assert "Foto ini tidak bisa dibaca: mungkin rusak atau tidak lengkap." in page
    assert "photo-pending.svg" in page  # a neutral placeholder, never a broken image
    public = client.get(f"/k/{membership.group.slug}/{product.slug}")
    assert public.status_code == 200
    assert "/media/" not in public.get_data(as_text=True)


def test_a_photos_quick_checks_run_before_the_request_takes_a_database_lock(
    client, login_as, monkeypatch
):
    """On SQLite a POST holds the write lock from its first query: checking a
    12 MP photo inside it would make every checkout wait."""
    from shop.media import services

    real_verify = services.verify_photo
    checked: list[bool] = []

    def verify(*args, **kwargs):
        checked.append(db.session().in_transaction())
        return real_verify(*args, **kwargs)

    monkeypatch.setattr(services, "verify_photo", verify)
    membership = MembershipFactory()
    product = ProductFactory(group=membership.group)
    VariantFactory(product=product)
    login_as(membership.user)
    base = f"/kelola/{membership.group.slug}/produk/{product.id}/foto"

    sent = client.post(
        base,
        data={"photo": (io.BytesIO(jpeg_bytes()), "abon.jpg"), "alt_text": "Abon"},
        content_type="multipart/form-data",
    )

    assert sent.status_code == 302
    assert checked == [False]  # once, and outside any transaction
    db.session.refresh(product)
    assert product.photos[0].image.ready


def test_nobody_can_make_the_server_check_photos_it_will_not_take(client, login_as, monkeypatch):
    """Anonymous posts of many photos, to any address or to a member's page,
    are refused without a single photo being decoded; a member's post is
    checked early for at most two distinct photos."""
    from shop.media import services

    calls: list[int] = []
    real_verify = services.verify_photo

    def verify(data, **kwargs):
        calls.append(len(data))
        return real_verify(data, **kwargs)

    monkeypatch.setattr(services, "verify_photo", verify)
    membership = MembershipFactory()
    product = ProductFactory(group=membership.group)
    VariantFactory(product=product)
    base = f"/kelola/{membership.group.slug}/produk/{product.id}/foto"

    def many_photos():
        return [(io.BytesIO(jpeg_bytes(color=(i, 9, 9))), f"{i}.jpg") for i in range(6)]

    assert client.post("/tidak-ada", data={"photo": many_photos()}).status_code == 404
    anonymous = client.post(base, data={"photo": many_photos()}, content_type="multipart/form-data")
    assert anonymous.status_code == 302 and "/masuk" in anonymous.headers["Location"]
    assert calls == []

    login_as(membership.user)
    client.post(base, data={"photo": many_photos()}, content_type="multipart/form-data")
    assert len(calls) <= 3  # two early, and at most the view's own check of its field
