"""`flask media …`: maintenance of stored images."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup

from shop.extensions import db
from shop.media.services import sweep_unreferenced

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
    """Delete images no page uses, and files no image owns."""
    rows, files = sweep_unreferenced(timedelta(hours=hours))
    db.session.commit()
    click.echo(f"Removed {rows} unreferenced images and {files} files.")
