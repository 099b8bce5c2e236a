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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import and_, or_, select

from shop.accounts.models import User
from shop.extensions import db
from shop.groups.models import AlertChannel, AlertKind, MemberAlerts, Membership, Role

ALL_KINDS = frozenset(AlertKind)
DEFAULTS: dict[tuple[Role, AlertChannel], frozenset[AlertKind]] = {
    (Role.LEADER, AlertChannel.WHATSAPP): ALL_KINDS,
    (Role.MEMBER, AlertChannel.WHATSAPP): frozenset(),
}


def default_kinds(role: Role, channel: AlertChannel) -> frozenset[AlertKind]:
    return DEFAULTS.get((role, channel), frozenset())


@dataclass(frozen=True)
class MemberContact:
    """A member as the order alerts see them: their email (or ""), their
    verified WhatsApp number (or ""), and the alerts they get on WhatsApp."""

    user_id: int
    name: str
    email: str
    whatsapp: str
    whatsapp_kinds: frozenset[AlertKind]


def member_contacts(group_ids: Iterable[int]) -> dict[int, list[MemberContact]]:
    """The members of each group who have an email or a verified number, in
    the order they joined, with their WhatsApp choices: one read."""
    ids = sorted(set(group_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            Membership.group_id,
            Membership.role,
            User.id,
            User.name,
            User.email,
            User.phone,
            User.phone_verified_at,
            MemberAlerts,
        )
        .join(User, Membership.user_id == User.id)
        .outerjoin(
            MemberAlerts,
            and_(
                MemberAlerts.membership_id == Membership.id,
                MemberAlerts.channel == AlertChannel.WHATSAPP,
            ),
        )
        .where(
            Membership.group_id.in_(ids),
            or_(
                and_(User.email.is_not(None), User.email != ""),
                and_(User.phone.is_not(None), User.phone_verified_at.is_not(None)),
            ),
        )
        .order_by(Membership.id)
    )
    contacts: dict[int, list[MemberContact]] = {}
    for group_id, role, user_id, name, email, phone, verified_at, choice in rows:
        kinds = choice.kinds if choice is not None else default_kinds(role, AlertChannel.WHATSAPP)
        contacts.setdefault(group_id, []).append(
            MemberContact(
                user_id=user_id,
                name=name,
                email=email or "",
                whatsapp=phone if phone and verified_at is not None else "",
                whatsapp_kinds=kinds,
            )
        )
    return contacts


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
