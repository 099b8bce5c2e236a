"""Asking for an export, and sweeping old ones away."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from shop.db import utcnow
from shop.exports.models import EXPORTS_FOLDER, Export
from shop.extensions import db
from shop.jobs import enqueue_after_commit
from shop.media.storage import get_storage

log = logging.getLogger(__name__)

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SWEEP_BATCH = 500


@dataclass(frozen=True)
class Kind:
    """What an export kind is made by: the import path of a function
    `prepare(params, requested_by, requested_at) -> Callable[[], bytes]`,
    which reads the database and returns the layout step (run with no
    transaction open), the file's content type and how it is served:
    `attachment` (saved) or `inline` (opened by the phone's viewer, for the
    sheets printed or shown straight away)."""

    prepare: str
    content_type: str
    disposition: str = "attachment"

    @property
    def inline(self) -> bool:
        return self.disposition == "inline"


KINDS = {
    "monev-xlsx": Kind("shop.monitoring.views.prepare_monitoring_xlsx", XLSX),
    "since-grant-xlsx": Kind("shop.monitoring.since_grant_page.prepare_since_grant_xlsx", XLSX),
    "group-report-pdf": Kind("shop.monitoring.report.prepare_group_report", PDF),
    "catalogue-pdf": Kind("shop.marketing.catalogue_pdf.prepare_catalogue", PDF),
    "poster-pdf": Kind("shop.marketing.poster.prepare_poster", PDF, "inline"),
    "nota-pdf": Kind("shop.consignment.nota.prepare_nota", PDF, "inline"),
}


def request_export(kind: str, params: dict, filename: str, by) -> Export:
    """Record that `by` asked for a file and have a job make it.

    The row is the truth (pending until the job finishes it); the job is
    enqueued only once the caller commits, so a rolled-back request makes
    nothing. `params` must be JSON: the job runs in another process.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    export = Export(
        kind=kind,
        params=json.dumps(params, sort_keys=True),
        requested_by_id=by.id,
        filename=filename,
        content_type=KINDS[kind].content_type,
    )
    db.session.add(export)
    db.session.flush()
    enqueue_after_commit("shop.exports.jobs.render_export", export.id)
    return export


def sweep_exports(older_than: timedelta) -> int:
    """Delete exports (rows and files) asked for longer ago than `older_than`.

    A download link is for the moment; the source data stays in the
    database, so anyone can ask again. Files go first: a file whose row is
    gone would never be found again, a row whose file is gone is harmless.
    Returns how many were removed; the caller commits.
    """
    old = db.session.scalars(
        select(Export)
        .where(Export.created_at < utcnow() - older_than)
        .order_by(Export.id)
        .limit(SWEEP_BATCH)
    ).all()
    storage = get_storage()
    removed = 0
    for export in old:
        try:
            storage.delete(export.storage_path)
        except OSError:
            log.warning("could not delete %s; the next sweep will", export.storage_path)
            continue
        db.session.delete(export)
        removed += 1
    db.session.flush()
    return removed + _sweep_unowned_files(utcnow() - older_than)


def _sweep_unowned_files(cutoff) -> int:
    """Export files no row owns any more (their row went with the account
    that asked for it), older than `cutoff`."""
    storage = get_storage()
    owned = {
        Export(token=token, filename=filename).storage_path
        for token, filename in db.session.execute(select(Export.token, Export.filename))
    }
    removed = 0
    for stored in storage.iter_files():
        if (
            stored.path.startswith(f"{EXPORTS_FOLDER}/")
            and stored.modified < cutoff
            and stored.path not in owned
            and storage.delete(stored.path)
        ):
            removed += 1
    return removed
