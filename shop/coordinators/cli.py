"""`flask coordinators add|list|remove`: the operator manages coordinator accounts."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from shop.accounts.models import User
from shop.accounts.passwords import validate_new_password
from shop.coordinators import services
from shop.coordinators.models import Coordinator
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import Programme


def _failure(error: DomainError) -> click.ClickException:
    """The operator's console speaks English, like the other commands."""
    with force_locale("en"):
        return click.ClickException(str(error.message))


coordinators_cli = AppGroup("coordinators", help="Coordinator accounts and their scope.")

PROGRAMMES = click.Choice([p.value for p in Programme])


@coordinators_cli.command("add")
@click.option("--login", "login", required=True, help="Phone number (08…/+62…) or email.")
@click.option("--name", help="Full name (needed when the person has no account yet).")
@click.option(
    "--password",
    help="Password for a new account; asked for when not given.",
)
@click.option(
    "--programme",
    "programmes",
    multiple=True,
    type=PROGRAMMES,
    help="Limit to this programme (repeat for several).",
)
@click.option(
    "--region",
    "regions",
    multiple=True,
    help="Limit to a province (e.g. 15) or regency/city (e.g. 15.71) code; repeat for several.",
)
@click.option("--organisation", default="", help="e.g. BKKBN Jambi, LKKNU.")
@click.option("--operator", is_flag=True, help="Sees and acts on every group (admin).")
def add(login, name, password, programmes, regions, organisation, operator) -> None:
    """Make a person a coordinator (creating the account if needed), or change
    an existing coordinator's scope to the one given."""
    try:
        if services.find_user(login) is None:
            if not password:
                password = click.prompt(
                    "Password for the new account", hide_input=True, confirmation_prompt=True
                )
            # The rules of sign-up: not common, not built from the name or number.
            validate_new_password(password, user_inputs=[name or "", login])
        coordinator, created_user = services.add_coordinator(
            login,
            name=name,
            password=password,
            programmes=[Programme(p) for p in programmes],
            region_codes=list(regions),
            organisation=organisation,
            is_operator=operator,
        )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise _failure(error) from error
    click.echo(
        f"{'Created account and made' if created_user else 'Made'} "
        f"{coordinator.user.name} ({coordinator.user.login_name}) a coordinator: "
        f"{services.describe_scope(coordinator)}."
    )


@coordinators_cli.command("list")
def list_() -> None:
    """Every coordinator with their scope."""
    rows = db.session.scalars(select(Coordinator).join(Coordinator.user).order_by(User.name)).all()
    if not rows:
        click.echo("No coordinators yet: add one with `flask coordinators add`.")
    for coordinator in rows:
        click.echo(
            f"{coordinator.user.login_name}\t{coordinator.user.name}\t"
            f"{coordinator.organisation or '-'}\t{services.describe_scope(coordinator)}"
        )


@coordinators_cli.command("remove")
@click.option("--login", "login", required=True, help="Phone number or email.")
def remove(login) -> None:
    """Take the coordinator role away (the account and the audit log stay)."""
    try:
        user = services.remove_coordinator(login)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise _failure(error) from error
    click.echo(f"{user.name} ({user.login_name}) is no longer a coordinator.")


@coordinators_cli.command("certificates-due")
def certificates_due() -> None:
    """Email each group once about a checked certificate that expires within
    30 days (run daily from cron; running it again sends nothing new)."""
    from shop.coordinators.jobs import certificates_due as report_due

    reported = report_due()
    click.echo(f"{reported} expiring certificate(s) reported to their groups.")
