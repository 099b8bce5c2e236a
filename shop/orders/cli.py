"""`flask orders expire`: unpaid orders past their deadline give their stock back."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from shop.db import utcnow
from shop.extensions import db
from shop.orders import services

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
    total = 0
    while True:
        due = services.due_for_expiry(utcnow(), limit=batch)
        expired = sum(1 for order in due if services.expire_order(order))
        db.session.commit()
        total += expired
        if len(due) < batch:
            break
    click.echo(f"Expired {total} unpaid orders; their stock is back on sale.")
