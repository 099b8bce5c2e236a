"""What other packages register with media at set-up, without media knowing
them: the media sweep runs their sweeps (share images, exports; `flask media
sweep` runs those that report), and a public photo that is ready enqueues
their jobs (share images)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from flask import Flask
from PIL import Image as PILImage
from sqlalchemy import func, select

from shop.exports.models import Export
from shop.extensions import db
from shop.media import jobs
from shop.media.services import store_image
from shop.media.sweep import Sweep, register_sweep, registered_sweeps
from tests.factories.exports import ExportFactory


def _old_export() -> None:
    ExportFactory(created_at=datetime.now(UTC) - timedelta(days=2))
    db.session.commit()


def _exports() -> int:
    return db.session.scalar(select(func.count()).select_from(Export))


def test_sharing_and_exports_register_their_sweeps(app):
    assert [(s.name, s.report) for s in registered_sweeps()] == [
        ("share images", "{} share images no page links to"),
        ("exports", None),
    ]


def test_registering_again_replaces_not_adds():
    other = Flask(__name__)
    register_sweep(other, Sweep("share images", lambda older_than: 1, "{} share images"))
    register_sweep(other, Sweep("share images", lambda older_than: 2, "{} share images"))

    with other.app_context():
        (only,) = registered_sweeps()
    assert only.run(timedelta(hours=1)) == 2


def test_the_daily_sweep_runs_every_registered_sweep(app):
    _old_export()

    rows, files, others = jobs.sweep(24)

    assert (rows, files) == (0, 0)
    assert others == {"share images": 0, "exports": 1}
    assert _exports() == 0


def test_the_command_runs_the_sweeps_that_report_and_leaves_exports(app):
    _old_export()

    result = app.test_cli_runner().invoke(args=["media", "sweep", "--hours", "24"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Removed 0 unreferenced images and 0 files, and 0 share images no page links to."
    )
    assert _exports() == 1


def test_a_ready_public_photo_enqueues_the_share_images_job(app, monkeypatch):
    buf = io.BytesIO()
    PILImage.new("RGB", (320, 240), (10, 120, 200)).save(buf, "JPEG", quality=85)
    enqueued = []
    monkeypatch.setattr(jobs, "enqueue_after_commit", lambda *args: enqueued.append(args))
    image = store_image(buf.getvalue())

    assert jobs.make_variants(image.id) == "ready"

    assert enqueued == [("shop.sharing.jobs.prerender_image", image.id)]


def test_a_ready_private_photo_enqueues_nothing(app, monkeypatch):
    buf = io.BytesIO()
    PILImage.new("RGB", (320, 240), (200, 120, 10)).save(buf, "JPEG", quality=85)
    enqueued = []
    monkeypatch.setattr(jobs, "enqueue_after_commit", lambda *args: enqueued.append(args))
    image = store_image(buf.getvalue(), private=True)

    assert jobs.make_variants(image.id) == "ready"

    assert enqueued == []
