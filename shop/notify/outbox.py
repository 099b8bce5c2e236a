"""Writing notifications into the outbox: rendered now, in the recipient's language.

A service calls these inside its own transaction. Nothing here commits or
sends: the row is committed with the change it reports (or rolled back with
it), and `shop.notify.delivery` sends it afterwards.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from shop.accounts.models import User
from shop.core.templating import absolute_url
from shop.extensions import db
from shop.groups.models import Group, Membership
from shop.jobs import enqueue_after_commit
from shop.notify.models import OutboxMessage
from shop.orders.models import Order

log = logging.getLogger(__name__)

# What a buyer hears about; each has a folder templates/email/order_<kind>/.
BUYER_KINDS = (
    "placed",
    "confirmed",
    "paid",
    "shipped",
    "ready",
    "completed",
    "cancelled",
    "expired",
    "refunded",
)
SUBJECT_MAX = 200
_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")


def render_email(template: str, context: dict[str, Any], locale: str) -> tuple[str, str, str]:
    """(subject, text, html) of templates/email/<template>/ in `locale`.

    The Jinja environment is used directly: the request's context processors
    (the signed-in person's groups) do not belong in an email and are not
    there outside a request.
    """
    env = current_app.jinja_env
    folder = f"email/{template}"
    with force_locale(locale):
        context = {"site_name": current_app.config["SITE_NAME"], "locale": locale, **context}
        subject = " ".join(env.get_template(f"{folder}/subject.txt").render(context).split())
        context["subject"] = subject
        text = env.get_template(f"{folder}/body.txt").render(context)
        html = env.get_template(f"{folder}/body.html").render(context)
    # Optional paragraphs leave blank lines behind: keep at most one in a row.
    text = _BLANK_LINES.sub("\n\n", text).strip() + "\n"
    return subject[:SUBJECT_MAX], text, html


def queue_email(
    kind: str, recipient: str | None, template: str, context: dict[str, Any], locale: str
) -> OutboxMessage | None:
    """Add one rendered email to the session (flushed, not committed).

    Rendering now freezes the words at the time of the event: a later edit of
    the order or of a translation never changes a message already queued.
    """
    recipient = (recipient or "").strip()
    if not recipient:
        return None
    subject, text, html = render_email(template, context, locale)
    message = OutboxMessage(
        kind=kind,
        channel="email",
        recipient=recipient,
        subject=subject,
        body_text=text,
        body_html=html,
    )
    db.session.add(message)
    db.session.flush()
    # Sent as soon as the change it reports commits; the periodic delivery
    # retries what fails.
    enqueue_after_commit("shop.notify.jobs.deliver")
    return message


def _order_context(order: Order) -> dict[str, Any]:
    return {
        "order": order,
        "group": order.group,
        "tracking_url": absolute_url(
            "orders.track", number=order.number, token=order.tracking_token
        ),
    }


def notify_new_order(order: Order) -> list[OutboxMessage]:
    """A new order: every member of the group who has an email hears of it."""
    return _notify_group(order, "new_order")


def notify_group_proof(order: Order) -> list[OutboxMessage]:
    """The buyer sent a transfer proof: the group should check its account."""
    return _notify_group(order, "proof_received")


def _notify_group(order: Order, template: str) -> list[OutboxMessage]:
    context = {
        **_order_context(order),
        "manage_url": absolute_url(
            "orders.manage_order", slug=order.group.slug, number=order.number
        ),
    }
    messages = notify_group_members(order.group, template, context)
    if not messages:
        log.info(
            "Order %s: no member of group %s has an email; the group sees it in its inbox",
            order.number,
            order.group.slug,
        )
    return messages


def notify_group_members(
    group: Group, template: str, context: dict[str, Any]
) -> list[OutboxMessage]:
    """Queue `templates/email/<template>/` to every member of the group who has
    an email address; the context gets `group` and `member`.

    One message per member, so one bad address never holds up the others and
    no member sees another's address. Members have no language of their own
    yet: they get the site's default language.
    """
    members = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id, User.email.is_not(None), User.email != "")
        .order_by(Membership.id)
    ).all()
    locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    messages = []
    for user in members:
        message = queue_email(
            template, user.email, template, {**context, "group": group, "member": user}, locale
        )
        if message is not None:
            messages.append(message)
    return messages


def notify_buyer(order: Order, kind: str) -> OutboxMessage | None:
    """Tell the buyer what happened to the order, in the language they ordered in.

    Without an email address the buyer follows the order on the tracking page.
    """
    if kind not in BUYER_KINDS:
        raise ValueError(f"unknown buyer notification {kind!r}")
    return queue_email(
        f"order_{kind}", order.buyer_email, f"order_{kind}", _order_context(order), order.locale
    )
