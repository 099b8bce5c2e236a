"""`flask monitoring rebuild`: count the rollups again from the orders."""

from __future__ import annotations

import click

from shop.monitoring import rollups


@click.command("rebuild")
@click.option("--check", is_flag=True, help="Only report the differences; write nothing.")
def rebuild(check: bool) -> None:
    """Count every ended month's figures again from the orders, report the
    group-months whose stored rows differed and write the counts."""
    differed = rollups.rebuild(write=not check)
    if not differed:
        click.echo("The rollups match the orders.")
        return
    more = f" (and {len(differed) - 20} more)" if len(differed) > 20 else ""
    verb = "differ" if check else "differed and were rewritten"
    click.echo(f"{len(differed)} group-months {verb}: {rollups.describe(differed)}{more}.")
    if check:
        raise SystemExit(1)


@click.command("keep-up")
def keep_up() -> None:
    """Roll up the ended months not built yet and refresh the changed ones
    (what the periodic task does)."""
    made = rollups.keep_up()
    click.echo(f"Built {len(made)} months; refreshed the changed group-months.")
