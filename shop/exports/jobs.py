"""The job that makes an export's file, the resumption of lost ones and the sweep."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app, has_request_context
from flask_babel import force_locale
from sqlalchemy import CursorResult, update

from shop.db import utcnow
from shop.db_events import reading
from shop.exports.models import Export, ExportStatus
from shop.exports.services import KINDS, sweep_exports
from shop.extensions import db
from shop.jobs import resolve, resume_lost
from shop.media.storage import get_storage
from shop.media.sweep import Sweep, register_sweep

log = logging.getLogger(__name__)

ERROR_LENGTH = 200


@contextmanager
def rendering_context(params: dict):
    """What the templates need outside a request: a request context for
    url_for (on PUBLIC_URL, else the host the export was asked from) and the
    language of the person who asked."""
    base_url = current_app.config.get("PUBLIC_URL") or params.get("base_url") or None
    locale = params.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]
    if has_request_context():
        # Run in-process at the end of the request that asked for it.
        with force_locale(locale):
            yield
        return
    with current_app.test_request_context(base_url=base_url), force_locale(locale):
        yield


def render_export(export_id: int) -> str:
    """Make the file of a pending export, store it and mark the export ready.

    The database is read (the row, then what the file shows) and that
    transaction ends before the layout (WeasyPrint, XlsxWriter) runs, so no
    lock is held while it works. Safe to run twice or on two workers at
    once: the file has one path per export, written atomically, and only one
    conditional UPDATE moves the row from pending. A render that fails marks
    the export failed with a short reason (the page offers to try again).
    Returns the outcome.
    """
    with reading():
        export = db.session.get(Export, export_id)
        if export is None or export.status is not ExportStatus.PENDING:
            db.session.commit()
            return "nothing to do"
        kind = KINDS.get(export.kind)
        params = export.parameters
        path, content_type = export.storage_path, export.content_type
    try:
        if kind is None:
            raise ValueError(f"unknown export kind {export.kind!r}")
        with rendering_context(params):
            with reading():
                layout = resolve(kind.prepare)(params, export.requested_by, export.created_at)
                db.session.commit()  # end the read: nothing locked while the file is laid out
            data = layout()
        get_storage().save(path, data, content_type)
    except Exception as exc:
        log.exception("export %s (%s) failed", export_id, export.kind)
        db.session.rollback()
        _finish(export_id, status=ExportStatus.FAILED, error=_short(exc))
        return "failed"
    done = _finish(export_id, status=ExportStatus.READY, path=path, size=len(data))
    return "ready" if done else "done elsewhere"


def _short(exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text if len(text) <= ERROR_LENGTH else text[: ERROR_LENGTH - 1] + "…"


def _finish(export_id: int, *, status: ExportStatus, **values) -> bool:
    result = db.session.execute(
        update(Export)
        .where(Export.id == export_id, Export.status == ExportStatus.PENDING)
        .values(status=status, finished_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    moved = result.rowcount == 1 if isinstance(result, CursorResult) else False
    db.session.commit()
    return moved


def resume_exports() -> int:
    """Render the exports whose job was lost."""
    return resume_lost(
        Export, Export.status == ExportStatus.PENDING, "shop.exports.jobs.render_export"
    )


def sweep(hours: int = 24) -> int:
    """Exports asked for more than `hours` ago, rows and files. Returns how
    many were removed."""
    return sweep_older_than(timedelta(hours=hours))


def sweep_older_than(older_than: timedelta) -> int:
    removed = sweep_exports(older_than)
    db.session.commit()
    return removed


def join_media_sweep(state) -> None:
    """Old exports go with the daily media sweep (not with `flask media
    sweep`, which reports nothing of them): registered by the exports
    blueprint (bp.record_once)."""
    register_sweep(state.app, Sweep("exports", sweep_older_than))
