"""What a group's members hear by email: one message to every member who has
an address.

Notify (`shop.notify.outbox`) only queues a template for plain recipients;
who the members are and in which language they read is said here.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from shop.accounts.models import User
from shop.extensions import db
from shop.groups.models import Group, Membership
from shop.notify.models import OutboxMessage
from shop.notify.outbox import Recipient, queue_emails


def member_recipients(group: Group) -> list[Recipient]:
    """The group's members who have an email, in the order they joined.

    Members have no language of their own yet: they get the site's default
    language.
    """
    members = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id, User.email.is_not(None), User.email != "")
        .order_by(Membership.id)
    ).all()
    locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    return [Recipient(address=user.email or "", locale=locale, name=user.name) for user in members]


def notify_group_members(
    group: Group, template: str, context: dict[str, Any]
) -> list[OutboxMessage]:
    """Queue `templates/email/<template>/` to every member of the group who has
    an email address; the context gets `group` and `member` (a `Recipient`:
    the templates greet `member.name`).
    """
    return queue_emails(
        template,
        member_recipients(group),
        template,
        {**context, "group": group},
        recipient_key="member",
    )
