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
  turned them on, while the login session that turned them on is live (a
  member who logged out of a shared phone hears nothing more there); the
  ketua gets every alert there too until they choose, other members none.
  One browser is one subscription (its endpoint), so a phone never shows one
  alert twice.
- Each member reads their alerts in their own language (`User.locale`, set on
  the account page); the group's own number in the site's default.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from shop.accounts.models import LoginSession, User
from shop.db import utcnow
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
    browsers' push subscriptions (ids), the alerts they get there, and the
    language their messages are written in."""

    user_id: int
    name: str
    email: str
    whatsapp: str
    whatsapp_kinds: frozenset[AlertKind]
    push_subscriptions: tuple[int, ...] = ()
    push_kinds: frozenset[AlertKind] = frozenset()
    locale: str = ""  # "" until they choose

    @property
    def language(self) -> str:
        """What their messages are written in: theirs, else the site's default."""
        return self.locale or group_locale()


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
        User.locale,
        whatsapp,
    ]
    stmt = select(*columns).join(User, Membership.user_id == User.id)
    with_push = push_enabled()
    if with_push:
        # One row per browser: the member's subscriptions come with them,
        # those of a login session still live only.
        live = select(LoginSession.id).where(
            LoginSession.id == PushSubscription.login_session_id,
            LoginSession.ended_at.is_(None),
            LoginSession.expires_at > utcnow(),
        )
        stmt = stmt.add_columns(push, PushSubscription.id).outerjoin(
            PushSubscription, and_(PushSubscription.user_id == User.id, live.exists())
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
        membership_id, group_id, role, user_id, name, email, phone, verified_at, locale, choice = (
            row[:10]
        )
        push_choice, subscription_id = row[10:] if with_push else (None, None)
        contact = found.get(membership_id)
        if contact is None:
            contact = MemberContact(
                user_id=user_id,
                name=name,
                email=email or "",
                whatsapp=phone if phone and verified_at is not None else "",
                whatsapp_kinds=_kinds(choice, role, AlertChannel.WHATSAPP),
                push_kinds=_kinds(push_choice, role, AlertChannel.PUSH),
                locale=person_locale(locale),
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
) -> list[tuple[int, str]]:
    """The browsers one alert of `kind` goes to, each with its member's
    language: each member's who chose it, each browser once; `skip` (the
    person who made the change) hears nothing of their own act."""
    chosen: dict[int, str] = {}
    for member in members:
        if member.user_id != skip and kind in member.push_kinds:
            for subscription in member.push_subscriptions:
                chosen.setdefault(subscription, member.language)
    return list(chosen.items())


def whatsapp_numbers(
    group_number: str | None,
    members: Iterable[MemberContact],
    kind: AlertKind,
    *,
    skip: str | None = None,
) -> list[tuple[str, str]]:
    """Where one alert of `kind` goes on WhatsApp, each number with the
    language to write in: the group's number, then each member who chose it,
    each number once; `skip` (the number of the person who made the change)
    hears nothing of their own act. A member's number is written to in
    their language, the group's number too when it is a member's."""
    members = list(members)
    languages = {m.whatsapp: m.language for m in members if m.whatsapp}
    numbers = [group_number] if group_number else []
    numbers += [m.whatsapp for m in members if m.whatsapp and kind in m.whatsapp_kinds]
    seen = {skip} if skip else set()
    unique = []
    for number in numbers:
        if number not in seen:
            seen.add(number)
            unique.append((number, languages.get(number) or group_locale()))
    return unique


def group_locale() -> str:
    """The language of what goes to the group itself (its own number): the
    site's default."""
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def person_locale(locale: str | None) -> str:
    """A person's language if the site has it, else "" (the default)."""
    return locale if locale in current_app.config["LANGUAGES"] else ""


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
