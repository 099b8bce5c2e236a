"""`flask backup …`: the whole site (database and stored files) to one archive, and back."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_migrate.cli import db as migrate_cli

from shop.backup.archive import BackupError
from shop.backup.database import analyze
from shop.backup.restore import restore_backup
from shop.backup.services import create_backup, default_output

backup_cli = AppGroup("backup", help="Back up and restore the whole site.")


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


@backup_cli.command("create")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Where to write the archive (default: instance/backups/etalase-<UTC time>.tar.gz).",
)
@click.option(
    "--files/--no-files",
    default=True,
    show_default=True,
    help="Copy the stored files into the archive; --no-files lists them (path, size, "
    "sha256) only, for a bucket its provider backs up.",
)
def create(output: Path | None, files: bool) -> None:
    """Write the database (every table, engine-independent) and the stored files to one .tar.gz."""
    try:
        report = create_backup(output or default_output(), include_files=files)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    stored = "stored" if report.files_included else "listed (not stored)"
    click.echo(
        f"Backed up {report.rows} rows in {report.tables} tables (revision {report.revision}) "
        f"and {report.files} files, {_size(report.file_bytes)} {stored}, "
        f"to {report.path} ({_size(report.archive_bytes)}) in {report.seconds:.1f} s."
    )
    for path in report.vanished:
        click.echo(f"Warning: {path} was removed while the backup ran; it is not in the archive.")


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(archive: Path) -> None:
    """Restore an archive onto an empty database and storage."""
    try:
        report = restore_backup(archive)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    files = (
        f"{report.files} files ({_size(report.file_bytes)})"
        if report.files_included
        else "no files (the archive lists them only)"
    )
    click.echo(
        f"Restored {report.rows} rows in {report.tables} tables and {files} from the "
        f"{report.source_engine} backup of {report.created_at} in {report.seconds:.1f} s; "
        f"search index rebuilt for {report.products_indexed} products."
    )
    if report.absent_files:
        click.echo(
            f"Warning: {len(report.absent_files)} files the archive lists are not in the "
            f"storage (e.g. {report.absent_files[0]}); restore them from the bucket's backup."
        )
    if report.revision != report.head:
        click.echo(
            f"The database is at revision {report.revision}; run `flask db upgrade` "
            f"to bring it to {report.head}."
        )


@migrate_cli.command("analyze")
def analyze_command() -> None:
    """Refresh the query planner's statistics (ANALYZE), after a bulk load."""
    from shop.extensions import db

    with db.engine.begin() as connection:
        analyze(connection)
    click.echo("Planner statistics refreshed.")
