"""A full disk (or an unreachable bucket) refuses the upload with a clear
message and changes nothing: no row without its file, no file without its row."""

from __future__ import annotations

import errno
import io
import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

from PIL import Image as PILImage
from sqlalchemy import func, select

from shop.catalogue.models import Product, ProductPhoto
from shop.extensions import db
from shop.media.models import Image
from shop.media.storage import LocalStorage
from tests.factories import MembershipFactory

PRODUCT = {
    "name": "Kerupuk Lele Renyah",
    "category": "makanan",
    "description": "Kerupuk lele gurih.",
    "variants-0-label": "250 g",
    "variants-0-price": "20.000",
    "variants-0-stock_mode": "order",
    "variants-0-lead_time_days": "2",
    "variants-0-min_order_qty": "1",
    "packaging_type": "standing-pouch",
    "net_content": "250",
    "net_unit": "g",
    "shelf_life": "60",
}


def noisy_jpeg(size=(500, 400)) -> bytes:
    buf = io.BytesIO()
    PILImage.effect_noise(size, 80).convert("RGB").save(buf, "JPEG", quality=95)
    return buf.getvalue()


@contextmanager
def full_disk(root: Path):
    """A 64 KiB tmpfs at `root` (a real full disk), or, where this machine
    may not mount, a folder whose writes fail with ENOSPC as a full disk's do."""
    root.mkdir(parents=True)
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(root)],
            capture_output=True,
        ).returncode
        == 0
    )
    try:
        if mounted:
            yield
        else:
            real_fdopen = os.fdopen

            def fdopen(fd, *args, **kwargs):
                handle = real_fdopen(fd, *args, **kwargs)
                if Path(f"/proc/self/fd/{fd}").resolve().is_relative_to(root):

                    def refuse(_data):
                        raise OSError(errno.ENOSPC, "No space left on device")

                    handle.write = refuse
                return handle

            os.fdopen = fdopen
            try:
                yield
            finally:
                os.fdopen = real_fdopen
    finally:
        if mounted:
            subprocess.run(["umount", str(root)], check=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_full_disk_refuses_the_photo_and_saves_nothing(
    app, client, login_as, monkeypatch, tmp_path
):
    root = tmp_path / "full"
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    membership = MembershipFactory()
    login_as(membership.user)
    before = (count(Product), count(Image), count(ProductPhoto))

    with full_disk(root):
        response = client.post(
            f"/kelola/{membership.group.slug}/produk/baru",
            data={**PRODUCT, "photo": (io.BytesIO(noisy_jpeg()), "kerupuk.jpg")},
            content_type="multipart/form-data",
        )
        leftovers = sorted(f.path for f in LocalStorage(root).iter_files())

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "penyimpanan berkas sedang tidak bisa dipakai" in body
    assert (count(Product), count(Image), count(ProductPhoto)) == before
    assert leftovers == []


def test_the_message_is_in_the_visitors_language(app, client, login_as, monkeypatch, tmp_path):
    root = tmp_path / "full"
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    membership = MembershipFactory()
    login_as(membership.user)
    with full_disk(root):
        response = client.post(
            f"/kelola/{membership.group.slug}/produk/baru?hl=en",
            data={**PRODUCT, "photo": (io.BytesIO(noisy_jpeg()), "kerupuk.jpg")},
            content_type="multipart/form-data",
        )
    assert "file storage is unavailable right now" in response.get_data(as_text=True)
