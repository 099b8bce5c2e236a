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
    """Delete images no page uses, files no image owns and old share images."""
    from shop.sharing.images import sweep_stale

    rows, files = sweep_unreferenced(timedelta(hours=hours))
    db.session.commit()
    shares = sweep_stale(timedelta(hours=hours))
    click.echo(
        f"Removed {rows} unreferenced images and {files} files, "
        f"and {shares} share images no page links to."
    )
