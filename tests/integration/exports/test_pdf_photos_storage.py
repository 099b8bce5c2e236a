"""PDFs with photos and the storage (issue 11, review): a storage that cannot
be reached fails the export (marked failed, "try again" offered) instead of
making a catalogue without its photos and calling it ready; a photo that is
simply missing is still printed without; and the renderer reads no stored
file from disk (photos come in as data URIs; MEDIA_ROOT holds private files)."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage
from sqlalchemy import select

from shop.catalogue.services import refresh_derived
from shop.exports.models import Export, ExportStatus
from shop.extensions import db
from shop.media.pdf import pdf_fetcher
from shop.media.storage import LocalStorage
from shop.outages import StorageUnavailable
from tests.factories import MembershipFactory, ProductFactory, ProductPhotoFactory, VariantFactory
from tests.uploads import store_ready


def jpeg() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (400, 400), (40, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def catalogue(app, client, login_as, monkeypatch, tmp_path):
    """A member of a group with one product with a photo, logged in; the
    address of the group's printed catalogue."""
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path / "media"))
    membership = MembershipFactory()
    product = ProductFactory(group=membership.group, name="Abon Berfoto")
    VariantFactory(product=product)
    image = store_ready(jpeg())
    ProductPhotoFactory(product=product, image=image, alt_text="foto")
    refresh_derived(product)
    db.session.flush()
    login_as(membership.user)
    return f"/kelola/{membership.group.slug}/promosi/katalog.pdf", image


def last_export() -> Export:
    return db.session.scalars(select(Export).order_by(Export.id.desc())).first()


def test_an_unreachable_storage_fails_the_catalogue_instead_of_dropping_its_photos(
    client, catalogue, monkeypatch
):
    url, _image = catalogue
    real_read = LocalStorage.read

    def unreachable_for_photos(self, path):
        if path.endswith(".webp"):
            raise StorageUnavailable("object storage is unavailable: read timeout")
        return real_read(self, path)

    monkeypatch.setattr(LocalStorage, "read", unreachable_for_photos)

    response = client.get(url, follow_redirects=True)

    export = last_export()
    assert export.status is ExportStatus.FAILED
    assert export.error.startswith("StorageUnavailable")
    assert not export.path
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Berkas ini tidak berhasil dibuat." in page

    # Asked again once the storage answers: made, with its photo.
    monkeypatch.setattr(LocalStorage, "read", real_read)
    again = client.get(url, follow_redirects=True)
    assert again.status_code == 200 and again.mimetype == "application/pdf"
    assert last_export().status is ExportStatus.READY
    assert b"/Subtype /Image" in again.data


def test_a_missing_photo_is_printed_without(client, catalogue, monkeypatch):
    url, image = catalogue
    storage = LocalStorage(client.application.config["MEDIA_ROOT"])
    for width in image.width_list:
        assert storage.delete(image.path_for(width))

    response = client.get(url, follow_redirects=True)

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert last_export().status is ExportStatus.READY
    assert b"/Subtype /Image" not in response.data


def test_the_pdf_renderer_reads_only_the_static_folder(app, app_ctx, monkeypatch, tmp_path):
    media = tmp_path / "media"
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(media))
    private = LocalStorage(media)
    private.save("private/ab/receipt.webp", b"RIFF....WEBP", "image/webp")
    private.save("doc/ab/decree.pdf", b"%PDF-1.4", "application/pdf")
    private.save("ab/photo-640.webp", b"RIFF....WEBP", "image/webp")
    fetcher = pdf_fetcher()

    for path in ("private/ab/receipt.webp", "doc/ab/decree.pdf", "ab/photo-640.webp"):
        with pytest.raises(ValueError):
            fetcher.fetch(f"file://{media / path}")
    stylesheet = fetcher.fetch(f"file://{app.static_folder}/css/app.css")
    assert stylesheet.read()
    stylesheet.close()
