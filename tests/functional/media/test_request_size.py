"""How large a request may be: the forms taking several photos at once take a
product's 8 real phone photos (PHOTO_FORM_MAX_CONTENT_LENGTH), every other
page keeps MAX_CONTENT_LENGTH, and a request over its limit gets a page in
the person's language naming the limit, with nothing saved. The photos of a
large request are spooled to disk, never all held in memory."""

from __future__ import annotations

import io
import os
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.test import EnvironBuilder

from shop.catalogue.models import Product
from shop.extensions import db
from tests.factories import MembershipFactory
from tests.functional.catalogue.test_product_photos_together import (
    PRODUCT,
    counts,
    stored_paths,
)

MB = 1024 * 1024


def phone_photo(width: int = 2700, height: int = 2000) -> bytes:
    """A JPEG of pure noise: it does not compress, so it weighs what a real
    phone photo of its size does (about 5 MB at 2700x2000)."""
    pixels = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    buf = io.BytesIO()
    pixels.save(buf, "JPEG", quality=90)
    return buf.getvalue()


@pytest.fixture
def member(client, login_as):
    membership = MembershipFactory()
    login_as(membership.user)
    return membership


@contextmanager
def new_product_request(client, member, photos: list[bytes]) -> Iterator[dict]:
    """The WSGI environ of the product form sent with `photos`, built before
    the request runs (so its body is not counted as the request's memory)."""
    data = {
        **PRODUCT,
        "csrf_token": client.csrf_token(),
        "photo": [(io.BytesIO(p), f"IMG_{n}.jpg") for n, p in enumerate(photos)],
    }
    builder = EnvironBuilder(
        path=f"/kelola/{member.group.slug}/produk/baru",
        method="POST",
        data=data,
        content_type="multipart/form-data",
    )
    environ = builder.get_environ()
    try:
        yield environ
    finally:
        environ["wsgi.input"].close()
        builder.close()


def test_a_product_with_eight_phone_photos_saves_without_holding_them_in_memory(
    app, client, member
):
    photos = [phone_photo() for _ in range(8)]
    assert all(4 * MB < len(p) < 6 * MB for p in photos)
    with new_product_request(client, member, photos) as environ:
        sent = int(environ["CONTENT_LENGTH"])
        # More than any other page takes, within the photo forms' limit.
        assert app.config["MAX_CONTENT_LENGTH"] < sent < app.config["PHOTO_FORM_MAX_CONTENT_LENGTH"]
        tracemalloc.start()
        try:
            response = client.open(environ)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    product = db.session.scalar(select(Product).where(Product.name == PRODUCT["name"]))
    assert len(product.photos) == 8
    assert all(p.image.ready for p in product.photos)
    # About 40 MB were sent; a few photos' worth at most was ever in memory
    # at once (each is read whole only while it is checked and stored; about
    # 18 MB at the peak), never the whole request.
    assert peak < sent / 2, f"{peak / MB:.0f} MB of {sent / MB:.0f} MB sent"


def test_photos_over_the_photo_forms_limit_get_the_page_naming_it_and_save_nothing(
    app, client, member, monkeypatch
):
    monkeypatch.setitem(app.config, "PHOTO_FORM_MAX_CONTENT_LENGTH", 3 * MB)
    photos = [phone_photo(1200, 900) for _ in range(4)]
    before, stored = counts(), stored_paths()

    with new_product_request(client, member, photos) as environ:
        assert int(environ["CONTENT_LENGTH"]) > 3 * MB
        response = client.open(environ)

    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "<html" in html and "</html>" in html
    assert "Foto yang Anda kirim berjumlah lebih dari 3 MB" in html
    assert "Tidak ada yang tersimpan" in html
    assert f'href="/kelola/{member.group.slug}/produk/baru">Kembali ke formulir</a>' in html
    assert counts() == before and stored_paths() == stored


def test_other_pages_keep_the_small_limit_named_in_english(app, client, member):
    client.set_cookie("lang", "en")
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1
    # The single photo page of a product takes one photo: the small limit too.
    for path in ("/masuk", f"/kelola/{member.group.slug}/produk/1/foto"):
        response = client.post(
            path,
            data=b"x" * too_big,
            content_type="application/x-www-form-urlencoded",
            csrf=False,
        )
        assert response.status_code == 413, path
        html = response.get_data(as_text=True)
        assert "What you sent is larger than 16 MB, the most this page takes." in html
        assert "Nothing was saved." in html


def test_the_group_profile_form_takes_the_photo_forms_limit(app, client, member):
    from shop.media.limits import max_content_length_for

    with app.test_request_context():
        assert max_content_length_for("groups.profile") == 100 * MB
        assert max_content_length_for("groups.create") == 100 * MB
        assert max_content_length_for("catalogue.photos") == 16 * MB
        assert max_content_length_for(None) == 16 * MB


PHOTOS_PAGE = "Foto yang Anda kirim berjumlah lebih dari 100 MB"
OTHER_PAGE = "Yang Anda kirim lebih besar dari 16 MB"


@pytest.mark.parametrize(
    ("address", "says", "back"),
    [
        ("/kelola/kelompok-tani/produk/baru", PHOTOS_PAGE, True),
        ("/kelola/kelompok-tani/produk/12", PHOTOS_PAGE, True),
        ("/masuk", OTHER_PAGE, True),
        ("/keranjang/tambah", OTHER_PAGE, False),
        ("/tidak/ada", OTHER_PAGE, False),
        ("//contoh.com/kelola/kelompok-tani/produk/baru", OTHER_PAGE, False),
    ],
)
def test_nginxs_refusals_get_the_apps_page_for_the_refused_address(client, address, says, back):
    response = client.get("/terlalu-besar", query_string={"alamat": address})
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert says in html
    # Back to the form when the address is a page, else to the home page.
    assert (f'href="{address}">Kembali ke formulir</a>' in html) is back
    assert ('href="/">Ke beranda</a>' in html) is not back
