"""`flask search …`: maintain the product full-text search index."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from shop.catalogue import search
from shop.extensions import db

search_cli = AppGroup("search", help="Full-text search index.")


@search_cli.command("reindex")
def reindex() -> None:
    """Recompute every product's search text and rebuild the full-text index."""
    count = search.rebuild_index()
    db.session.commit()
    click.echo(f"Indexed {count} products.")
