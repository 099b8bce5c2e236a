"""Exports without a queue (the embedded default): one click gives the file;
only the person who asked sees its page or downloads it; a failed render
says so and offers to try again; the job is safe to run twice; old ones are
swept."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from shop.exports.jobs import render_export, sweep
from shop.exports.models import Export, ExportStatus
from shop.extensions import db
from shop.media.storage import get_storage
from tests.factories import CoordinatorFactory, ExportFactory, GroupFactory, UserFactory


@pytest.fixture(autouse=True)
def _own_storage(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path / "media"))


@pytest.fixture
def coordinator(app_ctx, login_as):
    coordinator = CoordinatorFactory(is_operator=True)
    login_as(coordinator.user)
    return coordinator


def exports() -> list[Export]:
    return list(db.session.scalars(select(Export).order_by(Export.id)))


def export_files() -> list[str]:
    return sorted(
        f.path for f in get_storage().iter_files() if f.path.startswith("private/exports/")
    )


def pending_export(user, **values) -> Export:
    """The monitoring spreadsheet `user` asked for, not made yet."""
    return ExportFactory(
        requested_by=user,
        params='{"filters": {"per": "month"}, "again": "/koordinator/monev.xlsx?per=month"}',
        **values,
    )


def test_one_click_redirects_to_the_file(client, coordinator):
    response = client.get("/koordinator/monev.xlsx", query_string={"per": "month"})

    (export,) = exports()
    assert response.status_code == 303
    assert response.headers["Location"] == f"/unduhan/{export.token}/berkas"
    assert export.status is ExportStatus.READY and export.requested_by_id == coordinator.user_id
    assert export.path == f"private/exports/{export.token}.xlsx"
    assert export_files() == [export.path] and export.size > 0
    assert export.finished_at is not None

    download = client.get(response.headers["Location"])
    assert download.status_code == 200
    assert download.mimetype.endswith("spreadsheetml.sheet")
    assert download.headers["Cache-Control"] == "private, no-store"
    assert download.headers["Content-Disposition"].startswith("attachment; filename=monev-month-")
    assert load_workbook(io.BytesIO(download.data)).active["A1"].value
    # Its page says it is ready and offers the download.
    html = client.get(f"/unduhan/{export.token}").get_data(as_text=True)
    assert f"/unduhan/{export.token}/berkas" in html and 'http-equiv="refresh"' not in html


def test_only_the_person_who_asked_sees_it(client, coordinator, login_as):
    group = GroupFactory()
    client.get(f"/koordinator/kelompok/{group.slug}/laporan.pdf")
    (export,) = exports()

    client.post("/keluar")
    login_as(CoordinatorFactory(is_operator=True).user)
    assert client.get(f"/unduhan/{export.token}").status_code == 404
    assert client.get(f"/unduhan/{export.token}/berkas").status_code == 404
    client.post("/keluar")
    login_as(UserFactory())
    assert client.get(f"/unduhan/{export.token}/berkas").status_code == 404
    assert client.get("/unduhan/tidak-ada").status_code == 404

    client.post("/keluar")
    response = client.get(f"/unduhan/{export.token}/berkas")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_a_pending_export_waits_without_javascript(client, coordinator):
    export = pending_export(coordinator.user)

    page = client.get(f"/unduhan/{export.token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "Sedang disiapkan…" in html and f'href="/unduhan/{export.token}"' in html
    early = client.get(f"/unduhan/{export.token}/berkas")
    assert early.status_code == 303 and early.headers["Location"] == f"/unduhan/{export.token}"

    client.get("/bahasa/en")
    assert "Being prepared…" in client.get(f"/unduhan/{export.token}").get_data(as_text=True)


def test_a_failing_render_marks_the_export_failed(client, coordinator, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint ran out of paper")

    monkeypatch.setattr("shop.monitoring.report.write_pdf", broken)
    group = GroupFactory()
    client.get("/bahasa/en")

    page = client.get(f"/koordinator/kelompok/{group.slug}/laporan.pdf", follow_redirects=True)

    (export,) = exports()
    assert export.status is ExportStatus.FAILED
    assert export.error == "RuntimeError: WeasyPrint ran out of paper"
    assert export_files() == []
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "This file could not be made." in html
    assert f'href="/koordinator/kelompok/{group.slug}/laporan.pdf"' in html  # try again
    assert "out of paper" not in html  # the reason is for the log, not the page


def test_running_the_job_twice_leaves_one_file(client, coordinator):
    export = pending_export(coordinator.user)

    assert render_export(export.id) == "ready"
    assert render_export(export.id) == "nothing to do"
    # A second worker that took the same pending row writes the same path,
    # and its UPDATE moves nothing.
    db.session.execute(update(Export).values(status=ExportStatus.PENDING))
    assert render_export(export.id) == "ready"
    db.session.refresh(export)
    assert export.status is ExportStatus.READY and export_files() == [export.path]


def test_old_exports_are_swept_with_their_files(client, coordinator):
    client.get("/koordinator/monev.xlsx")
    client.get("/koordinator/monev.xlsx", query_string={"per": "month"})
    old, new = exports()
    db.session.execute(
        update(Export)
        .where(Export.id == old.id)
        .values(created_at=datetime.now(UTC) - timedelta(days=2))
    )

    assert sweep(24) == 1

    assert [e.id for e in exports()] == [new.id]
    assert export_files() == [new.path]


def test_an_export_whose_job_was_lost_is_resumed(client, coordinator):
    from shop.exports.jobs import resume_exports

    fresh = pending_export(coordinator.user)
    lost = pending_export(coordinator.user, created_at=datetime.now(UTC) - timedelta(minutes=10))

    assert resume_exports() == 1

    db.session.refresh(lost)
    db.session.refresh(fresh)
    assert lost.status is ExportStatus.READY and fresh.status is ExportStatus.PENDING


def test_a_file_whose_export_row_is_gone_is_swept_once_old(client, coordinator, app, tmp_path):
    import os

    client.get("/koordinator/monev.xlsx")
    (kept,) = exports()
    # The row went with the account that asked for it; its file stayed behind.
    get_storage().save("private/exports/ditinggal.xlsx", b"PK old", "application/zip")
    get_storage().save("private/exports/baru.xlsx", b"PK new", "application/zip")
    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).timestamp()
    media = tmp_path / "media"
    os.utime(media / "private/exports/ditinggal.xlsx", (two_days_ago, two_days_ago))
    os.utime(media / kept.storage_path, (two_days_ago, two_days_ago))

    assert sweep(24) == 1

    assert export_files() == sorted([kept.storage_path, "private/exports/baru.xlsx"])
