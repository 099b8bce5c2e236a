"""store_image on a real database: one row per photo, stored as sent until its
job makes the variants, and no file outlives a failed transaction."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask_babel import force_locale
from PIL import Image as PILImage
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from shop.extensions import db
from shop.media.images import ImageRejected
from shop.media.jobs import make_variants
from shop.media.models import Image, ImageStatus
from shop.media.services import store_image
from shop.media.storage import LocalStorage

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "images"


def photo(color=(200, 120, 40), size=(640, 480)) -> bytes:
    im = PILImage.new("RGB", size, color)
    im.paste((20, 20, 20), (0, 0, size[0] // 4, size[1] // 4))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def upload(data: bytes, filename: str = "foto.jpg") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=filename, content_type="image/jpeg")


def files(storage: LocalStorage) -> list[str]:
    return sorted(f.path for f in storage.iter_files())


def image_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Image))


def test_a_photo_becomes_one_row_and_a_webp_file_per_width(media):
    data = photo()
    image = store_image(upload(data))

    # Answered at once: the upload is kept as sent, privately, and the row waits.
    assert image.id is not None and image.status is ImageStatus.PROCESSING
    assert not image.ready and image.width_list == []
    assert files(media) == [image.original_path]
    assert media.read(image.original_path) == data

    assert make_variants(image.id) == "ready"

    assert image.status is ImageStatus.READY and image.ready
    assert (image.width, image.height, image.width_list) == (640, 480, [320, 640])
    assert files(media) == [image.path_for(320), image.path_for(640)]
    assert media.read(image.path_for(640))[8:12] == b"WEBP"
    # A second run (a retried or duplicated job) changes nothing.
    assert make_variants(image.id) == "nothing to do"
    assert files(media) == [image.path_for(320), image.path_for(640)]


def test_a_job_enqueued_for_an_upload_runs_after_the_commit_only(app, media):
    from shop.jobs import run_in_process_jobs

    store_image(upload(photo(color=(1, 2, 3))))
    db.session.rollback()  # its job goes with it
    image = store_image(upload(photo()))
    run_in_process_jobs()
    assert image.status is ImageStatus.PROCESSING  # nothing runs before the commit

    db.session.commit()
    run_in_process_jobs()  # what the end of a request does

    assert image.ready
    assert image_count() == 1
    assert files(media) == [image.path_for(320), image.path_for(640)]


def test_a_photo_that_fails_the_full_decode_is_marked_failed(media):
    # A PNG whose pixel data is cut off passes the quick header checks.
    buf = io.BytesIO()
    PILImage.effect_noise((400, 300), 50).convert("RGB").save(buf, "PNG")
    cut = buf.getvalue()[: len(buf.getvalue()) // 2]
    image = store_image(upload(cut, "foto.png"))

    assert make_variants(image.id) == "failed"

    assert image.status is ImageStatus.FAILED and not image.ready
    assert files(media) == []
    # The same broken file sent again is refused at once.
    with pytest.raises(ImageRejected) as rejected:
        store_image(upload(cut, "foto.png"), field="photo")
    assert rejected.value.field == "photo"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("palette.gif", "This file is not a photo we can read. Use JPEG, PNG, WebP or HEIC."),
        ("svg_script.svg", "This file is not a photo we can read. Use JPEG, PNG, WebP or HEIC."),
        ("not_an_image.jpg", "This file is not a photo we can read. Use JPEG, PNG, WebP or HEIC."),
        (
            "truncated.jpg",
            "This photo is damaged or incomplete. Try sending the original photo again.",
        ),
        ("huge_dimensions.png", "The photo has too many pixels (max 40 megapixels)."),
    ],
)
def test_a_rejected_upload_leaves_no_file_and_no_row(media, name, message):
    before = image_count()

    with pytest.raises(ImageRejected) as rejected:
        store_image(upload((FIXTURES / name).read_bytes(), name), field="photo")

    with force_locale("en"):
        assert str(rejected.value.message) == message
    assert rejected.value.field == "photo"
    db.session.flush()
    assert image_count() == before
    assert files(media) == []


def test_an_oversized_upload_is_refused_after_reading_just_past_the_limit(app, media):
    limit = app.config["UPLOAD_MAX_BYTES"]
    stream = io.BytesIO(b"\xff\xd8" + b"\0" * (limit + 4096))

    with pytest.raises(ImageRejected) as rejected:
        store_image(FileStorage(stream, filename="besar.jpg"))

    with force_locale("en"):
        assert str(rejected.value.message) == "The photo is too large (max 12 MB)."
    assert stream.tell() == limit + 1
    assert files(media) == []


def test_the_same_photo_twice_gives_one_row_and_writes_nothing_new(media):
    first = store_image(upload(photo()))
    written = {path: (media.root / path).stat().st_mtime_ns for path in files(media)}

    again = store_image(photo())  # bytes work as well as an upload

    assert again.id == first.id
    assert image_count() == 1
    assert {path: (media.root / path).stat().st_mtime_ns for path in files(media)} == written


def test_a_rollback_after_storing_deletes_the_files_it_created(media):
    image = store_image(upload(photo()))
    key = image.key
    assert files(media)

    db.session.rollback()

    assert files(media) == []
    assert db.session.scalar(select(Image).where(Image.key == key)) is None


def test_a_session_closed_without_commit_deletes_the_files_it_created(media):
    # What Flask-SQLAlchemy's teardown does when a view raised before committing.
    store_image(upload(photo()))

    db.session.close()

    assert files(media) == []


def test_committed_files_stay_when_a_later_transaction_rolls_back(media):
    kept = store_image(upload(photo()))
    db.session.commit()
    kept_files = files(media)

    store_image(upload(photo(color=(10, 90, 200))))
    db.session.rollback()

    assert files(media) == kept_files
    assert kept_files == [kept.original_path]


def test_files_that_existed_before_the_call_survive_its_rollback(media):
    original = store_image(upload(photo()))
    db.session.commit()
    key, paths = original.key, files(media)
    # In a new transaction the row goes and the same photo comes back: the
    # new row finds its files already on disk, so they are not "its" files.
    db.session.delete(original)
    db.session.flush()
    store_image(upload(photo()))

    db.session.rollback()

    assert db.session.scalar(select(Image).where(Image.key == key)) is not None
    assert files(media) == paths


def test_a_rolled_back_savepoint_deletes_only_its_own_files(media):
    outer = store_image(upload(photo()))
    savepoint = db.session.begin_nested()
    store_image(upload(photo(color=(10, 90, 200))))
    savepoint.rollback()

    assert files(media) == [outer.original_path]
    db.session.commit()
    assert files(media) == [outer.original_path]


def test_files_of_a_released_savepoint_go_when_the_outer_transaction_rolls_back(media):
    with db.session.begin_nested():
        store_image(upload(photo()))
    assert files(media)

    db.session.rollback()

    assert files(media) == []


def test_the_same_new_photo_stored_by_someone_else_meanwhile_is_reused(media, monkeypatch):
    """Two people upload the same new photo at once: the second insert meets
    the unique key and takes the row the first one committed, not a 500."""
    first = store_image(upload(photo()))
    real_scalar = db.session.scalar
    calls = {"n": 0}

    def scalar_missing_once(*args, **kwargs):
        calls["n"] += 1
        return None if calls["n"] == 1 else real_scalar(*args, **kwargs)

    monkeypatch.setattr(db.session, "scalar", scalar_missing_once)
    second = store_image(upload(photo()))

    assert second.id == first.id
    assert db.session.scalar(select(func.count()).select_from(Image)) == 1
