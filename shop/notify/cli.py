"""`flask notify …`: draining and inspecting the outbox."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from shop.extensions import db
from shop.i18n.phone import normalise
from shop.notify.delivery import deliver_due, drain, requeue_failed
from shop.notify.messaging import queue_whatsapp, whatsapp_enabled
from shop.notify.models import OutboxMessage, OutboxStatus
from shop.notify.push import generate_vapid_keys

notify_cli = AppGroup("notify", help="Messages (email, WhatsApp, push) waiting in the outbox.")


@notify_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep polling until stopped (Ctrl-C).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between polls with --loop.",
)
def deliver(loop: bool, interval: float) -> None:
    """Send the messages that are due; failed sends are retried later."""
    try:
        while True:
            try:
                sent, failed, retried = drain()
            except SQLAlchemyError as exc:
                # A worker outlives a database restart; a single run reports it.
                if not loop:
                    raise
                db.session.rollback()
                click.echo(f"Database error, trying again in {interval:g} s: {exc}", err=True)
                time.sleep(interval)
                continue
            if not loop or sent or failed or retried:
                click.echo(f"Sent {sent}, to retry {retried}, failed {failed}.")
            if not loop:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("Stopped.")


@notify_cli.command("list")
@click.option(
    "--errors",
    "show",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="How many of the latest errors to show.",
)
def list_messages(show: int) -> None:
    """Counts per status, and the latest messages that failed at least once."""
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    for status in OutboxStatus:
        click.echo(f"{status.value}: {counts.get(status, 0)}")
    troubled = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status != OutboxStatus.SENT, OutboxMessage.last_error != "")
        .order_by(OutboxMessage.id.desc())
        .limit(show)
    )
    for message in troubled:
        when = (
            ""
            if message.status is OutboxStatus.FAILED
            else f" next {message.next_attempt_at:%Y-%m-%d %H:%M} UTC"
        )
        click.echo(
            f"#{message.id} {message.status.value} {message.channel} {message.kind} "
            f"to {message.recipient}, "
            f"{message.attempts} attempts{when}: {message.last_error}"
        )


@notify_cli.command("retry")
@click.argument("ids", nargs=-1, type=int)
def retry(ids: tuple[int, ...]) -> None:
    """Try failed messages again (all of them, or the given ids)."""
    count = requeue_failed(list(ids))
    db.session.commit()
    click.echo(f"{count} failed messages queued again.")


@notify_cli.command("whatsapp-test")
@click.argument("phone")
@click.option(
    "--template",
    default="verify_code",
    show_default=True,
    help="Our template key (WHATSAPP_TEMPLATES).",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    default=("123456",),
    show_default=True,
    help="A body parameter, in order (repeat for several).",
)
def whatsapp_test(phone: str, template: str, params: tuple[str, ...]) -> None:
    """Send one WhatsApp template message to PHONE now, through the outbox,
    and show what came of it (Meta's message id or its error)."""
    if not whatsapp_enabled():
        raise click.ClickException("WhatsApp is off: set ETALASE_WHATSAPP_BACKEND (cloud or log).")
    number = normalise(phone)
    if number is None:
        raise click.ClickException(f"{phone!r} is not a phone number.")
    try:
        message = queue_whatsapp(
            "test", number, template, list(params), current_app.config["BABEL_DEFAULT_LOCALE"]
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    assert message is not None
    db.session.commit()
    message_id = message.id
    deliver_due()
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message_id)
    click.echo(f"#{message.id} to {message.recipient}: {message.status.value}")
    if message.provider_message_id:
        click.echo(f"Meta's message id: {message.provider_message_id}")
    if message.last_error:
        click.echo(f"Error: {message.last_error}")
    if message.status is OutboxStatus.FAILED:
        raise SystemExit(1)


@notify_cli.command("vapid-keys")
def vapid_keys() -> None:
    """Print a new VAPID key pair for web push notifications, as settings.

    Keep the private key secret. Changing the pair later stops every
    browser's subscription (each member turns notifications on again)."""
    private, public = generate_vapid_keys()
    click.echo(f"ETALASE_VAPID_PRIVATE_KEY={private}")
    click.echo(f"ETALASE_VAPID_PUBLIC_KEY={public}")
