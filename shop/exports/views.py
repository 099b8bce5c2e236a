"""Export pages: "being prepared" and the download, for the person who asked only."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user, login_required
from sqlalchemy import select

from shop.exports.models import Export
from shop.exports.services import KINDS
from shop.extensions import db
from shop.jobs import queue_of, run_in_process_jobs
from shop.media.storage import PRIVATE_CACHE_CONTROL, get_storage
from shop.transaction import Midway, commit_midway

# Seconds between reloads of the "being prepared" page (no JavaScript needed).
REFRESH_SECONDS = 3


def export_params(**values) -> dict:
    """The params of an export asked for by this request: `values` plus the
    language to render it in, the host its links point to (when PUBLIC_URL
    is not set) and the address that asks again."""
    return {
        **values,
        "locale": str(get_locale()),
        "base_url": request.host_url,
        "again": request.full_path.rstrip("?"),
    }


def start_writing() -> None:
    """Before a download link (a GET) records its export: end the reading
    transaction so the writes begin with SQLite's write lock (see
    `shop.db_events.writes_next`)."""
    commit_midway(Midway.BEFORE_GET_WRITE)


def answer(export: Export) -> Response:
    """Where a download link sends the browser once its export is committed.

    Without a queue the job runs here and now (what the embedded setup
    expects: one click, one file), and the browser goes straight to the
    file; with a queue a worker makes it while the browser waits on the
    export's page.
    """
    token = export.token
    if queue_of(current_app) is None:
        run_in_process_jobs()
        return redirect(url_for("exports.download", token=token), 303)
    return redirect(url_for("exports.status", token=token), 303)


def get_own_export_or_404(token: str) -> Export:
    export = db.session.scalar(
        select(Export).where(Export.token == token, Export.requested_by_id == current_user.id)
    )
    if export is None:
        abort(404)
    return export


def _inline(export: Export) -> bool:
    kind = KINDS.get(export.kind)
    return kind is not None and kind.inline


def _again_url(export: Export) -> str | None:
    again = export.parameters.get("again", "")
    # Only a path of this site (never another host).
    return again if again.startswith("/") and not again.startswith("//") else None


@login_required
def status(token: str):
    export = get_own_export_or_404(token)
    response = Response(
        render_template(
            "exports/status.html",
            export=export,
            again_url=_again_url(export),
            inline=_inline(export),
            refresh=REFRESH_SECONDS,
        )
    )
    response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response


@login_required
def download(token: str):
    """The file, streamed from the storage; the 503 page with Retry-After while
    the storage cannot be reached (StorageUnavailable, see shop.errors)."""
    export = get_own_export_or_404(token)
    if not export.is_ready:
        return redirect(url_for("exports.status", token=export.token), 303)
    try:
        stream = get_storage().open(export.path)
    except FileNotFoundError:
        abort(404)
    # Streamed from the storage; the response closes the file.
    response = send_file(
        stream,
        mimetype=export.content_type,
        as_attachment=not _inline(export),
        download_name=export.filename,
        conditional=False,
        max_age=None,
    )
    if export.size is not None:
        response.content_length = export.size
    response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response
