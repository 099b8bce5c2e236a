"""`flask demo load`: realistic demo groups, people and products for a fresh site."""

from __future__ import annotations

import time

import click
import phonenumbers
from flask.cli import AppGroup

from shop.demo import loader
from shop.demo.data import DEMO_PASSWORD, PEOPLE, logins
from shop.demo.data.coordinators import COORDINATORS
from shop.demo.data.people import person
from shop.errors import DomainError
from shop.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")


def _local(phone: str) -> str:
    """+6281200000001 as a person types it here: 0812-0000-0001."""
    parsed = phonenumbers.parse(phone, "ID")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def _echo_logins() -> None:
    header = ("Name", "Phone", "Group", "Role", "Password")
    rows = [
        (row.name, _local(row.phone), row.group, row.role.value, DEMO_PASSWORD) for row in logins()
    ]
    widths = [max(len(line[i]) for line in (header, *rows)) for i in range(len(header))]
    click.echo("\nDemo logins (log in at /masuk with the phone number and password):")
    for line in (header, tuple("-" * width for width in widths), *rows):
        cells = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        click.echo("  ".join(cells).rstrip())
    click.echo("\nDemo coordinators (same password; their pages are at /koordinator/):")
    for demo in COORDINATORS:
        who = person(demo.person)
        scope = (
            "operator: every group"
            if demo.operator
            else ", ".join([*demo.programmes, *(f"region {code}" for code in demo.regions)])
        )
        click.echo(f"  {who.name:<18}  {_local(who.phone)}  {demo.organisation} ({scope})")


@demo_cli.command("load")
@click.option(
    "--once",
    is_flag=True,
    help="When the demo data is already there, say so and add nothing (exit status 0).",
)
def load(once: bool) -> None:
    """Create demo groups, people and products with drawn photos, in one transaction."""
    found = loader.existing_demo_accounts()
    if found:
        message = f"Demo data already loaded ({found} of {len(PEOPLE)} demo accounts exist)"
        if not once:
            raise click.ClickException(f"{message}; nothing was added.")
        click.echo(f"{message}; nothing added.")
        _echo_logins()
        return
    started = time.perf_counter()
    try:
        report = loader.load_demo()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(f"Demo data not loaded: {error.message}") from error
    click.echo(
        f"Loaded {report.groups} groups, {report.users} people, {report.products} products "
        f"and {report.photos} product photos, {report.coordinators} coordinators, "
        f"{report.orders} orders and {report.outlets} consignment outlets with "
        f"{report.visits} visits, and {report.grants} grants in "
        f"{time.perf_counter() - started:.1f} s "
        f"({report.pictures_drawn} pictures drawn in {report.drawing_seconds:.1f} s)."
    )
    _echo_logins()
