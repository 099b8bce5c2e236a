"""sweep_unreferenced and `flask media sweep`: unused images go, used and young ones stay."""

from __future__ import annotations

import io
import os
from datetime import timedelta

from PIL import Image as PILImage
from sqlalchemy import select

from shop.db import utcnow
from shop.extensions import db
from shop.groups.models import DocumentKind
from shop.media.models import Image
from shop.media.storage import LocalStorage
from shop.media.sweep import image_references, sweep_unreferenced
from tests.factories import (
    GroupDocumentFactory,
    GroupFactory,
    ProductFactory,
    ProductPhotoFactory,
)
from tests.uploads import store_ready

DAY = timedelta(hours=24)


def photo(color) -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", (320, 240), color).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def age(media: LocalStorage, days: int = 2, image: Image | None = None, path: str = "") -> None:
    """Make an image row and its files (or one file) look `days` old."""
    then = utcnow() - timedelta(days=days)
    paths = [image.path_for(w) for w in image.width_list] if image else [path]
    if image is not None:
        image.created_at = then
    for stored in paths:
        os.utime(media.root / stored, (then.timestamp(), then.timestamp()))
    db.session.flush()


def files(media: LocalStorage) -> set[str]:
    return {f.path for f in media.iter_files()}


def exists(key: str) -> bool:
    return db.session.scalar(select(Image.id).where(Image.key == key)) is not None


def test_every_foreign_key_to_image_protects_it():
    names = {f"{column.table.name}.{column.name}" for column in image_references()}

    assert {"group.logo_id", "group.cover_id", "product_photo.image_id"} <= names
    # The photos of what a grant bought, too.
    assert "grant_item_photo.image_id" in names


def test_sweep_removes_only_old_unreferenced_images_and_stray_files(media):
    unused = store_ready(photo((200, 0, 0)))
    logo = store_ready(photo((0, 200, 0)))
    in_product = store_ready(photo((0, 0, 200)))
    fresh = store_ready(photo((90, 90, 90)))
    GroupFactory(logo=logo)
    product = ProductFactory()
    ProductPhotoFactory(product=product, image=in_product, alt_text="abon")
    for image in (unused, logo, in_product):
        age(media, image=image)

    stray_old = "ab/" + "ab" * 32 + "-320.webp"
    stray_new = "cd/" + "cd" * 32 + "-320.webp"
    temp_old = "ab/.tmp-interrupted"
    not_ours = "README.txt"
    for path in (stray_old, stray_new, temp_old, not_ours):
        media.save(path, b"x", "image/webp")
    for path in (stray_old, temp_old, not_ours):
        age(media, path=path)
    unused_key, unused_files = unused.key, {unused.path_for(w) for w in unused.width_list}
    db.session.commit()

    rows, removed = sweep_unreferenced(DAY)

    assert (rows, removed) == (1, len(unused_files) + 2)
    assert not files(media) & {stray_old, temp_old}
    assert unused_files <= files(media)  # the row's files wait for the commit
    db.session.commit()

    assert not exists(unused_key)
    assert all(exists(image.key) for image in (logo, in_product, fresh))
    remaining = files(media)
    assert not remaining & unused_files
    assert {stray_new, not_ours} <= remaining
    for image in (logo, in_product, fresh):
        assert {image.path_for(w) for w in image.width_list} <= remaining


def test_a_rolled_back_sweep_keeps_the_files_of_its_rows(media):
    unused = store_ready(photo((200, 0, 0)))
    age(media, image=unused)
    db.session.commit()
    key, before = unused.key, files(media)

    assert sweep_unreferenced(DAY)[0] == 1
    db.session.rollback()

    assert exists(key)
    assert files(media) == before


def test_cli_sweep_commits_and_reports(app, media):
    unused = store_ready(photo((200, 0, 0)))
    age(media, image=unused)
    key = unused.key
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["media", "sweep", "--hours", "24"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Removed 1 unreferenced images and 1 files, and 0 share images no page links to."
    )
    assert not exists(key)
    assert files(media) == set()


def test_cli_sweep_refuses_to_touch_uploads_in_progress(app):
    result = app.test_cli_runner().invoke(args=["media", "sweep", "--hours", "0"])

    assert result.exit_code == 2


def test_an_evidence_photos_old_public_copy_is_swept_and_its_private_files_kept(media):
    decree = store_ready(photo((5, 60, 120)), private=True)
    GroupDocumentFactory(kind=DocumentKind.DECREE, image=decree)
    private_paths = {decree.path_for(w) for w in decree.width_list}
    # What an interrupted move left behind: the same variant at its public place.
    old_public = decree.path_for(decree.width_list[0]).removeprefix("private/")
    media.save(old_public, media.read(sorted(private_paths)[0]), "image/webp")
    age(media, path=old_public)

    sweep_unreferenced(DAY)
    db.session.commit()

    assert old_public not in files(media)
    assert private_paths <= files(media)
