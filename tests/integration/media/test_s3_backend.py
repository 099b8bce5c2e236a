"""The site with STORAGE_BACKEND "s3": uploads land in the bucket (moto's
server, through the real boto3 client), /media/ streams them with the same
headers, evidence stays private, and the media commands work on the bucket."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from flask import current_app
from PIL import Image as PILImage
from sqlalchemy import select

from shop.catalogue.models import ProductPhoto, ProductStatus
from shop.extensions import db
from shop.groups.models import DocumentKind
from shop.media.evidence import store_evidence
from shop.media.jobs import make_variants
from shop.media.s3 import S3Storage
from shop.media.storage import LocalStorage, get_storage, is_private_path
from shop.payments.models import PaymentProof
from shop.sharing.views import share_image_url
from tests.factories import (
    GroupDocumentFactory,
    GroupFactory,
    MembershipFactory,
    ProductFactory,
    VariantFactory,
    transfer_order,
)
from tests.s3 import (  # noqa: F401  (fixtures)
    PREFIX,
    s3_bucket_fixture,
    s3_server_fixture,
    s3_storage_fixture,
)

RECEIPT = Path(__file__).resolve().parents[2] / "fixtures" / "documents" / "receipt.pdf"
PUBLIC = "public, max-age=31536000, immutable"
CDN = "https://cdn.etalase.test/media/"


def jpeg(color=(200, 120, 40), size=(800, 600)) -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", size, color).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.headers["Cache-Control"].split(",")}


def head(bucket, path: str) -> dict:
    return bucket.client.head_object(Bucket=bucket.name, Key=f"{PREFIX}/{path}")


def upload_product_photo(client, login_as, color=(200, 120, 40)):
    membership = MembershipFactory()
    product = ProductFactory(group=membership.group)
    VariantFactory(product=product)
    login_as(membership.user)
    response = client.post(
        f"/kelola/{membership.group.slug}/produk/{product.id}/foto",
        data={"photo": (io.BytesIO(jpeg(color)), "abon.jpg"), "alt_text": "Abon"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(product)
    return product, product.photos[0].image


def test_the_backend_is_chosen_by_the_setting(app_ctx, s3_storage):
    storage = get_storage()

    assert isinstance(storage, S3Storage)
    assert (storage.bucket, storage.prefix) == (s3_storage.bucket, f"{PREFIX}/")
    # One client per app (and process), not one per request.
    assert get_storage().client is storage.client
    storage.check()


def test_an_uploaded_product_photo_is_served_from_the_bucket(
    client, login_as, s3_storage, s3_bucket
):
    _product, image = upload_product_photo(client, login_as)
    path = image.path_for(image.width_list[0])

    with client.get(f"/media/{path}") as response:
        body = response.data

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/webp"
    assert {"public", "max-age=31536000", "immutable"} <= cache_control(response)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["ETag"] == f'"{path.rsplit("/", 1)[-1]}"'
    assert body == s3_storage.read(path) and body[8:12] == b"WEBP"
    assert head(s3_bucket, path)["CacheControl"] == PUBLIC
    assert not Path(current_app.config["MEDIA_ROOT"]).exists()

    again = client.get(f"/media/{path}", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    missing = path.replace(f"-{image.width_list[0]}.", "-9999.")
    assert client.get(f"/media/{missing}").status_code == 404


def test_with_a_public_address_pages_link_public_images_there(
    app, client, login_as, s3_storage, monkeypatch
):
    monkeypatch.setitem(app.config, "MEDIA_PUBLIC_URL", CDN)
    product, image = upload_product_photo(client, login_as)

    page = client.get(f"/k/{product.group.slug}/{product.slug}").get_data(as_text=True)

    assert f'src="{CDN}{image.path_for(640)}"' in page
    assert f"{CDN}{image.path_for(320)} 320w" in page


def test_a_transfer_proof_is_in_the_bucket_but_at_no_public_address(
    app, client, s3_storage, s3_bucket, monkeypatch
):
    monkeypatch.setitem(app.config, "MEDIA_PUBLIC_URL", CDN)
    order = transfer_order()
    track = f"/lacak/{order.number}/{order.tracking_token}"
    for name, data in (("struk.jpg", jpeg((30, 60, 90))), ("struk.pdf", RECEIPT.read_bytes())):
        response = client.post(
            f"{track}/bukti",
            data={"proof": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )
        assert response.status_code == 303, response.get_data(as_text=True)
    photo, pdf = db.session.scalars(
        select(PaymentProof).where(PaymentProof.order_id == order.id).order_by(PaymentProof.id)
    )
    paths = [photo.image.path_for(w) for w in photo.image.width_list] + [pdf.document.path]

    page = client.get(track).get_data(as_text=True)
    for path in paths:
        assert is_private_path(path)
        assert head(s3_bucket, path)["CacheControl"] == "private, no-store"
        assert s3_bucket.anonymous_status(f"{PREFIX}/{path}") == 403
        assert client.get(f"/media/{path}").status_code == 404
        assert path not in page
    assert "cdn.etalase.test" not in page

    largest = photo.image.path_for(max(photo.image.width_list))
    for proof, body in ((photo, s3_storage.read(largest)), (pdf, RECEIPT.read_bytes())):
        response = client.get(f"{track}/bukti/{proof.id}")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
        assert response.data == body


def test_a_decree_photo_is_in_the_bucket_but_not_served_publicly(client, s3_storage, s3_bucket):
    group = GroupFactory()
    image, _ = store_evidence(
        jpeg((10, 20, 30)), field="file", empty_message="", not_readable_message=""
    )
    make_variants(image.id)  # the job that follows the commit
    db.session.refresh(image)
    GroupDocumentFactory(group=group, kind=DocumentKind.DECREE, image=image)

    for width in image.width_list:
        path = image.path_for(width)
        assert is_private_path(path)
        assert head(s3_bucket, path)["CacheControl"] == "private, no-store"
        assert s3_bucket.anonymous_status(f"{PREFIX}/{path}") == 403
        assert client.get(f"/media/{path}").status_code == 404


def test_the_share_image_is_drawn_into_the_bucket_and_served(
    app, client, login_as, s3_storage, s3_bucket
):
    product, _image = upload_product_photo(client, login_as)
    product.status = ProductStatus.PUBLISHED
    db.session.flush()
    with app.test_request_context():
        url = share_image_url(product)

    response = client.get(url)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "image/jpeg"
    assert "immutable" in cache_control(response)
    shares = [f.path for f in s3_storage.iter_files() if f.path.startswith("share/")]
    assert len(shares) == 1 and url.endswith(shares[0].rsplit("/", 1)[-1])
    assert head(s3_bucket, shares[0])["CacheControl"] == PUBLIC
    assert response.data == s3_storage.read(shares[0])


def test_copy_to_bucket_copies_once_and_resumes(app, s3_storage, s3_bucket, tmp_path):
    local = LocalStorage(tmp_path / "old-media")
    variant = "ab/" + "ab" * 32 + "-640.webp"
    document = "doc/cd/" + "cd" * 32 + ".pdf"
    share = "share/ef/" + "ef" * 16 + ".jpg"
    local.save(variant, b"RIFF....WEBP", "image/webp")
    local.save(document, b"%PDF-1.4", "application/pdf")
    local.save(share, b"jpeg", "image/jpeg")
    (local.root / "ab" / ".tmp-interrupted").write_bytes(b"half")
    runner = app.test_cli_runner()

    first = runner.invoke(args=["media", "copy-to-bucket", "--from", str(local.root)])
    assert first.exit_code == 0, first.output
    assert "Copied 3 files to the bucket, skipped 0 already there." in first.output
    assert {f.path for f in s3_storage.iter_files()} == {variant, document, share}
    assert head(s3_bucket, variant)["ContentType"] == "image/webp"
    assert head(s3_bucket, variant)["CacheControl"] == PUBLIC
    assert head(s3_bucket, document)["ContentType"] == "application/pdf"
    assert head(s3_bucket, document)["CacheControl"] == "private, no-store"

    local.save(share, b"a longer jpeg", "image/jpeg")  # changed since: copied again
    app.config["MEDIA_ROOT"] = str(local.root)  # the default source
    again = runner.invoke(args=["media", "copy-to-bucket"])
    assert again.exit_code == 0, again.output
    assert "Copied 1 files to the bucket, skipped 2 already there." in again.output
    assert s3_storage.read(share) == b"a longer jpeg"


def test_copy_to_bucket_refuses_without_the_s3_backend(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "local")
    result = app.test_cli_runner().invoke(args=["media", "copy-to-bucket", "--from", str(tmp_path)])

    assert result.exit_code == 1
    assert "STORAGE_BACKEND is not 's3'" in result.output


def test_sweep_deletes_an_unowned_variant_in_the_bucket(app, client, login_as, s3_storage, clock):
    _product, image = upload_product_photo(client, login_as)
    kept = {image.path_for(w) for w in image.width_list}
    stray = "ab/" + "ab" * 32 + "-640.webp"
    s3_storage.save(stray, b"RIFF....WEBP", "image/webp")
    # The bucket sets its own times: sweep as if two days had passed.
    clock.shift(timedelta(days=2))

    result = app.test_cli_runner().invoke(args=["media", "sweep", "--hours", "24"])

    assert result.exit_code == 0, result.output
    assert not s3_storage.exists(stray)
    assert kept <= {f.path for f in s3_storage.iter_files()}
    assert db.session.scalar(select(ProductPhoto.id).where(ProductPhoto.image_id == image.id))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"STORAGE_BACKEND": "nfs"}, "STORAGE_BACKEND is 'nfs'"),
        ({"STORAGE_BACKEND": "s3", "S3_BUCKET": ""}, "S3_BUCKET is not set"),
        ({"STORAGE_BACKEND": "s3", "S3_BUCKET": "b", "S3_PREFIX": "a/../b"}, "S3_PREFIX"),
    ],
)
def test_storage_settings_that_cannot_work_stop_the_app(tmp_path, settings, message):
    from shop import UnsafeConfiguration, create_app

    with pytest.raises(UnsafeConfiguration, match=message):
        create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
                "MEDIA_ROOT": str(tmp_path / "media"),
                "NOTIFY_IN_PROCESS": False,
                **settings,
            }
        )


def test_private_paths_never_get_the_public_address(app, app_ctx, monkeypatch):
    from shop.media.templating import media_url

    monkeypatch.setitem(app.config, "MEDIA_PUBLIC_URL", "https://cdn.etalase.test/m")
    public = "ab/" + "ab" * 32 + "-640.webp"

    assert media_url(public) == f"https://cdn.etalase.test/m/{public}"
    assert media_url(f"private/{public}") == f"/media/private/{public}"
    assert media_url("doc/ab/x.pdf") == "/media/doc/ab/x.pdf"
