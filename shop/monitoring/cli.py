"""`flask monitoring rebuild`: count the rollups again from the orders and
the products."""

from __future__ import annotations

import click

from shop.monitoring import active, rollups


@click.command("rebuild")
@click.option("--check", is_flag=True, help="Only report the differences; write nothing.")
def rebuild(check: bool) -> None:
    """Count every month's figures again from the orders (and their sums
    per programme and province from those) and every group's visible
    products again, report the rows that differed and write the counts."""
    differed = rollups.rebuild(write=not check)
    groups = active.rebuild(write=not check)
    verb = "differ" if check else "differed and were rewritten"
    if differed:
        more = f" (and {len(differed) - 20} more)" if len(differed) > 20 else ""
        click.echo(f"{len(differed)} group-months {verb}: {rollups.describe(differed)}{more}.")
    if groups:
        shown = ", ".join(
            f"group {gid}" if gid else "the sums per programme and province" for gid in groups[:20]
        )
        more = f" (and {len(groups) - 20} more)" if len(groups) > 20 else ""
        click.echo(f"{len(groups)} groups' active products {verb}: {shown}{more}.")
    if not differed and not groups:
        click.echo("The rollups match the orders and the products.")
        return
    if check:
        raise SystemExit(1)


@click.command("keep-up")
def keep_up() -> None:
    """Roll up the ended months not built yet and refresh the changed ones
    (what the periodic task does)."""
    made = rollups.keep_up()
    click.echo(f"Built {len(made)} months; refreshed the changed group-months.")
