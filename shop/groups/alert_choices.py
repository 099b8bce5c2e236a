"""Who of a group hears of its orders, and where: each member's choice of
order alerts per channel, the role's defaults, and the group's own number.

Rules, and why:
- A member gets WhatsApp alerts only at a verified number (a code sent to
  it came back): an alert to a number nobody proved is theirs could tell a
  stranger of the group's orders.
- Defaults: the ketua gets every alert (someone must hear of an order at
  once), other members none until they opt in.
- The group's WhatsApp number (the one on its profile, which the ketua
  keeps) gets every alert; a member whose number is the group's gets one
  message, not two.
- Notifications on phones (web push) go to each browser where the member
  turned them on; the ketua gets every alert there too until they choose,
  other members none. One browser is one subscription (its endpoint), so a
  phone never shows one alert twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from shop.accounts.models import User
from shop.extensions import db
from shop.groups.models import AlertChannel, AlertKind, MemberAlerts, Membership, Role
from shop.notify.models import PushSubscription
from shop.notify.push import push_enabled

ALL_KINDS = frozenset(AlertKind)
DEFAULTS: dict[tuple[Role, AlertChannel], frozenset[AlertKind]] = {
    (Role.LEADER, AlertChannel.WHATSAPP): ALL_KINDS,
    (Role.MEMBER, AlertChannel.WHATSAPP): frozenset(),
    (Role.LEADER, AlertChannel.PUSH): ALL_KINDS,
    (Role.MEMBER, AlertChannel.PUSH): frozenset(),
}


def default_kinds(role: Role, channel: AlertChannel) -> frozenset[AlertKind]:
    return DEFAULTS.get((role, channel), frozenset())


@dataclass(frozen=True)
class MemberContact:
    """A member as the order alerts see them: their email (or ""), their
    verified WhatsApp number (or ""), the alerts they get on WhatsApp, their
    browsers' push subscriptions (ids) and the alerts they get there."""

    user_id: int
    name: str
    email: str
    whatsapp: str
    whatsapp_kinds: frozenset[AlertKind]
    push_subscriptions: tuple[int, ...] = ()
    push_kinds: frozenset[AlertKind] = frozenset()


def member_contacts(group_ids: Iterable[int]) -> dict[int, list[MemberContact]]:
    """The members of each group who have an email, a verified number or
    (with push on) a browser that takes notifications, in the order they
    joined, with their choices: one read."""
    ids = sorted(set(group_ids))
    if not ids:
        return {}
    whatsapp = aliased(MemberAlerts)
    push = aliased(MemberAlerts)
    reachable = [
        and_(User.email.is_not(None), User.email != ""),
        and_(User.phone.is_not(None), User.phone_verified_at.is_not(None)),
    ]
    columns = [
        Membership.id,
        Membership.group_id,
        Membership.role,
        User.id,
        User.name,
        User.email,
        User.phone,
        User.phone_verified_at,
        whatsapp,
    ]
    stmt = select(*columns).join(User, Membership.user_id == User.id)
    with_push = push_enabled()
    if with_push:
        # One row per browser: the member's subscriptions come with them.
        stmt = stmt.add_columns(push, PushSubscription.id).outerjoin(
            PushSubscription, PushSubscription.user_id == User.id
        )
        reachable.append(PushSubscription.id.is_not(None))
    stmt = (
        stmt.outerjoin(
            whatsapp,
            and_(
                whatsapp.membership_id == Membership.id,
                whatsapp.channel == AlertChannel.WHATSAPP,
            ),
        )
        .where(Membership.group_id.in_(ids), or_(*reachable))
        .order_by(Membership.id)
    )
    if with_push:
        stmt = stmt.outerjoin(
            push, and_(push.membership_id == Membership.id, push.channel == AlertChannel.PUSH)
        ).order_by(PushSubscription.id)
    found: dict[int, MemberContact] = {}
    groups: dict[int, int] = {}
    for row in db.session.execute(stmt):
        membership_id, group_id, role, user_id, name, email, phone, verified_at, choice = row[:9]
        push_choice, subscription_id = row[9:] if with_push else (None, None)
        contact = found.get(membership_id)
        if contact is None:
            contact = MemberContact(
                user_id=user_id,
                name=name,
                email=email or "",
                whatsapp=phone if phone and verified_at is not None else "",
                whatsapp_kinds=_kinds(choice, role, AlertChannel.WHATSAPP),
                push_kinds=_kinds(push_choice, role, AlertChannel.PUSH),
            )
            groups[membership_id] = group_id
        if subscription_id is not None:
            contact = replace(
                contact, push_subscriptions=(*contact.push_subscriptions, subscription_id)
            )
        found[membership_id] = contact
    contacts: dict[int, list[MemberContact]] = {}
    for membership_id, contact in found.items():
        contacts.setdefault(groups[membership_id], []).append(contact)
    return contacts


def _kinds(choice: MemberAlerts | None, role: Role, channel: AlertChannel) -> frozenset[AlertKind]:
    return choice.kinds if choice is not None else default_kinds(role, channel)


def push_subscriptions(
    members: Iterable[MemberContact], kind: AlertKind, *, skip: int | None = None
) -> list[int]:
    """The browsers one alert of `kind` goes to: each member's who chose it,
    each browser once; `skip` (the person who made the change) hears nothing
    of their own act."""
    chosen: list[int] = []
    for member in members:
        if member.user_id != skip and kind in member.push_kinds:
            chosen += [s for s in member.push_subscriptions if s not in chosen]
    return chosen


def whatsapp_numbers(
    group_number: str | None,
    members: Iterable[MemberContact],
    kind: AlertKind,
    *,
    skip: str | None = None,
) -> list[str]:
    """Where one alert of `kind` goes on WhatsApp: the group's number, then
    each member who chose it, each number once; `skip` (the number of the
    person who made the change) hears nothing of their own act."""
    numbers = [group_number] if group_number else []
    numbers += [m.whatsapp for m in members if m.whatsapp and kind in m.whatsapp_kinds]
    seen = {skip} if skip else set()
    unique = []
    for number in numbers:
        if number not in seen:
            seen.add(number)
            unique.append(number)
    return unique


def group_locale() -> str:
    """Members have no language of their own yet: the site's default."""
    return current_app.config["BABEL_DEFAULT_LOCALE"]


# --- a member's own choices ----------------------------------------------------


def alert_choices(membership: Membership) -> dict[AlertChannel, frozenset[AlertKind]]:
    """What the member gets on each channel: saved, else the role's defaults."""
    saved = {
        row.channel: row.kinds
        for row in db.session.scalars(
            select(MemberAlerts).where(MemberAlerts.membership_id == membership.id)
        )
    }
    return {
        channel: saved.get(channel, default_kinds(membership.role, channel))
        for channel in AlertChannel
    }


def set_alert_choices(
    membership: Membership, channel: AlertChannel, kinds: Iterable[AlertKind]
) -> MemberAlerts:
    """Keep the member's choice for one channel (all four kinds at once)."""
    chosen = set(kinds)
    row = db.session.scalar(
        select(MemberAlerts).where(
            MemberAlerts.membership_id == membership.id, MemberAlerts.channel == channel
        )
    )
    if row is None:
        row = MemberAlerts(membership_id=membership.id, channel=channel)
        db.session.add(row)
    for kind in AlertKind:
        setattr(row, kind.value, kind in chosen)
    db.session.flush()
    return row
