"""Writing emails into the outbox for plain recipients: rendered now, in each
recipient's language.

Notify knows nothing of orders, groups or accounts: each domain says what it
sends (`shop.orders.alerts`, `shop.groups.alerts`, `shop.accounts.recovery`),
turning its people into `Recipient`s and calling `queue_email` or
`queue_emails` with a template and its context. `queue_email` and
`render_email` live in `shop.notify.messaging` beside `queue_whatsapp`, and are
importable from here as before.

A service calls these inside its own transaction. Nothing here commits or
sends: the row is committed with the change it reports (or rolled back with
it), and `shop.notify.delivery` sends it afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from shop.notify.messaging import email_message, queue_all, queue_email, render_email
from shop.notify.models import OutboxMessage

__all__ = ["Recipient", "queue_email", "queue_emails", "render_email"]


@dataclass(frozen=True)
class Recipient:
    """A person as notify knows them: where to write (an email address or an
    E.164 phone number), in which language, and the name to greet them by."""

    address: str
    locale: str
    name: str = ""


def queue_emails(
    kind: str,
    recipients: Iterable[Recipient],
    template: str,
    context: dict[str, Any],
    *,
    recipient_key: str = "recipient",
) -> list[OutboxMessage]:
    """Queue `templates/email/<template>/` to each recipient, in their language;
    each rendering gets the recipient under `recipient_key`.

    One message per recipient, so one bad address never holds up the others
    and no one sees another's address. Recipients without an address are
    skipped. They are added in one flush.
    """
    return queue_all(
        [
            email_message(
                kind,
                recipient.address,
                template,
                {**context, recipient_key: recipient},
                recipient.locale,
            )
            for recipient in recipients
        ]
    )
