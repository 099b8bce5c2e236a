"""Background jobs of the media domain: photo variants and the sweeps."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import CursorResult, update

from shop.core.cache import mark_public_change
from shop.extensions import db
from shop.jobs import enqueue_after_commit, resume_lost
from shop.media.images import ImageRejected, process_image
from shop.media.models import Image, ImageStatus
from shop.media.services import decoded_budget
from shop.media.storage import get_storage
from shop.media.sweep import registered_sweeps, sweep_unreferenced

log = logging.getLogger(__name__)

_PHOTO_READY = "etalase.public_photo_ready"


def on_public_photo_ready(app: Flask, job: str) -> None:
    """Enqueue the job named `job` (called with the image id) each time a
    public photo's variants are ready. Registered at set-up by the packages
    that draw from photos: the sharing blueprint (its share images)."""
    jobs = app.extensions.setdefault(_PHOTO_READY, [])
    if job not in jobs:
        jobs.append(job)


def make_variants(image_id: int) -> str:
    """Make the WebP variants of an uploaded photo and mark it ready.

    Safe to run twice or at once on two workers: the files are the same
    bytes at the same paths, and only one conditional UPDATE moves the row
    from processing. No transaction is open while Pillow works. A photo that
    cannot be decoded after all is marked failed. Returns the outcome.
    """
    image = db.session.get(Image, image_id)
    if image is None or image.status is not ImageStatus.PROCESSING:
        db.session.commit()
        return "nothing to do"
    name = Image(key=image.key, private=image.private)  # transient, for its paths
    db.session.commit()  # end the read: no transaction (and no lock) while Pillow works

    storage = get_storage()
    config = current_app.config
    try:
        data = storage.read(name.original_path)
        processed = process_image(
            data,
            max_bytes=config["UPLOAD_MAX_BYTES"],
            max_pixels=config["UPLOAD_MAX_PIXELS"],
            widths=config["IMAGE_WIDTHS"],
            max_decoded_bytes=decoded_budget(),
        )
    except (ImageRejected, FileNotFoundError) as exc:
        log.info("photo %s cannot be processed: %r", image_id, exc)
        _finish(image_id, status=ImageStatus.FAILED)
        _delete_original(storage, name)
        return "failed"

    for width, blob in sorted(processed.variants.items()):
        storage.save(name.path_for(width), blob, "image/webp")
    done = _finish(
        image_id,
        status=ImageStatus.READY,
        widths=",".join(str(w) for w in sorted(processed.variants)),
        width=processed.width,
        height=processed.height,
        public=not name.private,
    )
    _delete_original(storage, name)
    if done and not name.private:
        for job in current_app.extensions.get(_PHOTO_READY, ()):
            enqueue_after_commit(job, image_id)
        db.session.commit()
    return "ready" if done else "done elsewhere"


def _finish(image_id: int, *, status: ImageStatus, public: bool = False, **values) -> bool:
    result = db.session.execute(
        update(Image)
        .where(Image.id == image_id, Image.status == ImageStatus.PROCESSING)
        .values(status=status, **values)
        .execution_options(synchronize_session=False)
    )
    moved = result.rowcount == 1 if isinstance(result, CursorResult) else False
    if moved and public:
        # Pages that showed the placeholder show the photo now.
        mark_public_change()
    db.session.commit()
    return moved


def _delete_original(storage, name: Image) -> None:
    try:
        storage.delete(name.original_path)
    except OSError:
        log.warning("could not delete %s; the sweep will", name.original_path, exc_info=True)


def resume_processing() -> int:
    """Make the variants of uploads whose job was lost."""
    return resume_lost(
        Image, Image.status == ImageStatus.PROCESSING, "shop.media.jobs.make_variants"
    )


def sweep(hours: int = 24) -> tuple[int, int, dict[str, int]]:
    """The daily sweep: unreferenced images and files, then every registered
    sweep (stale share images, old exports; see shop.media.sweep.register_sweep).
    Returns (rows, files, {sweep name: how many went})."""
    older_than = timedelta(hours=hours)
    rows, files = sweep_unreferenced(older_than)
    db.session.commit()
    others = {other.name: other.run(older_than) for other in registered_sweeps()}
    return rows, files, others
