"""`flask media …`: maintenance of stored images."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from shop.extensions import db
from shop.media.storage import TEMP_PREFIX, LocalStorage, get_storage
from shop.media.sweep import registered_sweeps, sweep_unreferenced
from shop.outages import StorageUnavailable

media_cli = AppGroup("media", help="Uploaded images.")


@media_cli.command("sweep")
@click.option(
    "--hours",
    type=click.IntRange(min=1),
    default=24,
    show_default=True,
    help="Only remove images and files older than this; younger ones may belong "
    "to an upload still in progress.",
)
def sweep(hours: int) -> None:
    """Delete images no page uses, files no image owns and old share images."""
    rows, files = sweep_unreferenced(timedelta(hours=hours))
    db.session.commit()
    # The other packages' sweeps that report here (share images); see register_sweep.
    reports = [
        other.report.format(other.run(timedelta(hours=hours)))
        for other in registered_sweeps()
        if other.report
    ]
    click.echo(
        f"Removed {rows} unreferenced images and {files} files"
        + "".join(f", and {report}" for report in reports)
        + "."
    )


CONTENT_TYPES = {
    "webp": "image/webp",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
}


@media_cli.command("copy-to-bucket")
@click.option(
    "--from",
    "source",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The local media folder to copy (default: MEDIA_ROOT).",
)
def copy_to_bucket(source: Path | None) -> None:
    """Copy every file of the local media folder into the S3 bucket.

    Files already in the bucket with the same size are skipped, so the copy
    can be run again after an interruption, and once more just before the
    switch to catch the last uploads. Leftovers of interrupted writes are
    not copied.
    """
    config = current_app.config
    if config["STORAGE_BACKEND"] != "s3":
        raise click.ClickException(
            "STORAGE_BACKEND is not 's3': set ETALASE_STORAGE_BACKEND=s3 and the "
            "ETALASE_S3_* settings for the bucket, then run this again."
        )
    local = LocalStorage(source if source is not None else config["MEDIA_ROOT"])
    if not local.root.is_dir():
        raise click.ClickException(f"{local.root} is not a folder.")
    bucket = get_storage()
    try:
        in_bucket = {stored.path: stored.size for stored in bucket.iter_files()}
        copied = skipped = refused = 0
        for stored in local.iter_files():
            name = stored.path.rsplit("/", 1)[-1]
            if name.startswith(TEMP_PREFIX):
                continue
            if in_bucket.get(stored.path) == stored.size:
                skipped += 1
                continue
            extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
            try:
                bucket.save(stored.path, local.read(stored.path), content_type)
            except ValueError:
                # A name no storage path may have (a backslash, say): not ours.
                click.echo(f"Not copied (not a storage path): {stored.path}", err=True)
                refused += 1
                continue
            except FileNotFoundError:
                continue  # removed since the listing (a sweep)
            copied += 1
    except StorageUnavailable as error:
        raise click.ClickException(
            f"{error}. Run the command again: files already copied are skipped."
        ) from error
    click.echo(
        f"Copied {copied} files to the bucket, skipped {skipped} already there"
        + (f", {refused} not copied." if refused else ".")
    )
