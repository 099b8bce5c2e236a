"""`flask regions …`: keep the region tables in line with the vendored data."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from shop.extensions import db
from shop.regions.loader import DATA_DIR, RegionDataError, load_regions

regions_cli = AppGroup("regions", help="Indonesian administrative regions.")


@regions_cli.command("load")
@click.option(
    "--source",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DATA_DIR,
    show_default=True,
    help="Folder holding provinces.csv, regencies.csv and districts.csv.",
)
@click.option("--dry-run", is_flag=True, help="Report what would change, then roll back.")
def load(source: Path, dry_run: bool) -> None:
    """Upsert the region CSVs: add new codes, update names, keep codes in use."""
    try:
        counts = load_regions(source)
    except RegionDataError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for table, level_counts in counts.items():
        click.echo(f"{table}: {level_counts.describe()}")
    if dry_run:
        click.echo("Dry run: nothing was saved.")
