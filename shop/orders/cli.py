"""`flask orders expire`: unpaid orders past their deadline give their stock back."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from shop.orders.jobs import expire_due

orders_cli = AppGroup("orders", help="Orders.")


@orders_cli.command("expire")
@click.option("--batch", default=200, show_default=True, help="Orders per transaction.")
def expire(batch: int) -> None:
    """Expire unpaid transfer/card orders past their payment deadline.

    Safe to run from cron any number of times, also twice at once: each order
    is expired in a short transaction of its batch, an order already expired,
    paid or cancelled is left alone, and on PostgreSQL rows another run holds
    are skipped.
    """
    total = expire_due(batch)
    click.echo(f"Expired {total} unpaid orders; their stock is back on sale.")
