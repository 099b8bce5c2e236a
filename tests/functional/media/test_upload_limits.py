"""Refused uploads answer 4xx with the form shown again (413 too large, 415
not a photo, 422 unreadable or over the pixel/memory budget, 429 over the
group's daily photo quota), and leave no row and no file behind."""

from __future__ import annotations

import io
import math
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select

from shop.core.clock import jakarta_today, midnight_utc
from shop.db import utcnow
from shop.extensions import db
from shop.media.models import Image
from tests.factories import MembershipFactory, ProductFactory, VariantFactory


@pytest.fixture
def product(client, login_as):
    membership = MembershipFactory()
    made = ProductFactory(group=membership.group)
    VariantFactory(product=made)
    db.session.commit()
    login_as(membership.user)
    client.get("/bahasa/en")
    return made


def photo(color=(10, 120, 200), size=(64, 48), fmt="JPEG") -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", size, color).save(buf, fmt)
    return buf.getvalue()


def upload(client, product, data: bytes, name="foto.jpg"):
    return client.post(
        f"/kelola/{product.group.slug}/produk/{product.id}/foto",
        data={"photo": (io.BytesIO(data), name), "alt_text": "Abon lele"},
        content_type="multipart/form-data",
    )


def images() -> int:
    return db.session.scalar(select(func.count()).select_from(Image))


def files(app) -> list[Path]:
    root = Path(app.config["MEDIA_ROOT"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def refused(client, app, product, data, name, status, message):
    before = (images(), files(app))
    response = upload(client, product, data, name)
    html = response.get_data(as_text=True)
    assert response.status_code == status, response.status_code
    assert message in html
    # The form is shown again, with its file field.
    assert 'type="file"' in html
    assert (images(), files(app)) == before
    return response


def test_a_photo_is_accepted(client, product):
    before = images()
    assert upload(client, product, photo()).status_code == 302
    assert images() == before + 1


def test_over_the_upload_size_is_413_with_the_form(app, client, product, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 500)
    big = photo(size=(400, 300), fmt="PNG")
    assert len(big) > 500
    refused(client, app, product, big, "foto.png", 413, "The photo is too large")


def test_not_a_photo_is_415(app, client, product):
    refused(client, app, product, b"%PDF-1.4 not a photo", "foto.jpg", 415, "not a photo")


def test_a_file_named_as_another_type_is_415(app, client, product):
    refused(client, app, product, photo(), "foto.gif", 415, "Choose a photo")


def test_a_damaged_photo_is_422(app, client, product):
    data = photo(size=(800, 600))
    refused(client, app, product, data[: len(data) // 2], "foto.jpg", 422, "damaged")


def test_too_many_pixels_is_422(app, client, product, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_PIXELS", 10_000)
    refused(client, app, product, photo(size=(200, 100)), "foto.jpg", 422, "too many pixels")


def test_over_the_memory_budget_is_422(app, client, product, monkeypatch):
    monkeypatch.setitem(app.config, "IMAGE_MAX_DECODED_MB", 1)
    # 1000x800 PNG: 3.2 MB decoded, for a 1 MB budget.
    big = photo(size=(1000, 800), fmt="PNG")
    refused(client, app, product, big, "foto.png", 422, "too much memory")


def test_over_max_content_length_is_the_friendly_413_page(app, client, product, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 5000)
    before = images()
    response = upload(client, product, photo(size=(300, 300), fmt="PNG") + b"\0" * 6000)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "<html" in html and "</html>" in html
    assert images() == before


def test_the_daily_photo_quota_is_429_with_when_it_resets(app, client, product, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_DAILY_QUOTA", 3)
    for shade in range(3):
        assert upload(client, product, photo(color=(40 * shade, 0, 0))).status_code == 302
    before = utcnow()
    response = refused(
        client, app, product, photo(color=(99, 0, 0)), "foto.jpg", 429, "3 new photos today"
    )
    after = utcnow()
    html = response.get_data(as_text=True)
    assert "00.00 WIB" in html and "Nothing was saved." in html
    # Retry-After: the seconds until the next midnight in Jakarta, from the
    # moment the request asked (between `before` and `after`), rounded up.
    midnight = midnight_utc(jakarta_today(before) + timedelta(days=1))
    wait = int(response.headers["Retry-After"])
    assert math.floor((midnight - after).total_seconds()) <= wait
    assert wait <= math.ceil((midnight - before).total_seconds())
    # The same photo again is not a new photo: not counted, not refused.
    assert upload(client, product, photo(color=(40, 0, 0))).status_code == 302
    # A day later (the rows made yesterday, Jakarta time) the quota starts again.
    for made in db.session.scalars(select(Image).where(Image.group_id == product.group_id)):
        made.created_at -= timedelta(days=1)
    db.session.commit()
    assert upload(client, product, photo(color=(99, 0, 0))).status_code == 302


def test_the_quota_is_per_group(app, client, login_as, product, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_DAILY_QUOTA", 1)
    assert upload(client, product, photo(color=(1, 2, 3))).status_code == 302
    assert upload(client, product, photo(color=(3, 2, 1))).status_code == 429
    other = MembershipFactory()
    theirs = ProductFactory(group=other.group)
    VariantFactory(product=theirs)
    db.session.commit()
    client.post("/keluar")
    login_as(other.user)
    assert upload(client, theirs, photo(color=(3, 2, 1))).status_code == 302


def test_a_photo_uploaded_on_a_group_page_counts_for_that_group(app, client, product, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_DAILY_QUOTA", 1)
    assert upload(client, product, photo(color=(5, 5, 5))).status_code == 302
    stored = db.session.scalars(select(Image).order_by(Image.id.desc())).first()
    assert stored.group_id == product.group_id
