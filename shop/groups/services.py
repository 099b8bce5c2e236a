"""Writes for groups: create, profile, bank accounts, invitations, members."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from shop.accounts.models import User
from shop.audit.models import AuditAction
from shop.audit.services import record
from shop.core.cache import mark_public_change
from shop.core.short_codes import GROUP_CODE_LENGTH, unique_code
from shop.core.text import clean_line, clean_multiline, slugify, unique_slug
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups import hooks
from shop.groups.models import BankAccount, Group, Invitation, Membership, Programme, Role
from shop.groups.qris import QrisMerchant, read_static
from shop.i18n.phone import normalise as normalise_phone
from shop.jobs import enqueue_after_commit
from shop.media.services import store_image
from shop.regions.models import District, Regency


@dataclass
class GroupProfile:
    name: str
    programme: str
    province_code: str
    regency_code: str
    district_code: str | None
    story: str = ""
    founded_year: int | None = None
    member_count: int | None = None
    whatsapp: str | None = None
    pickup_address: str = ""
    accepts_transfer: bool = True
    accepts_cash: bool = True
    accepts_card: bool = False
    accepts_qris: bool = False
    offers_pickup: bool = True
    offers_local_delivery: bool = False
    offers_courier: bool = False
    whatsapp_orders: bool = False


PROFILE_FIELDS = tuple(GroupProfile.__dataclass_fields__)


def _check_region(profile: GroupProfile) -> None:
    regency = db.session.get(Regency, profile.regency_code)
    if regency is None or regency.province_code != profile.province_code:
        raise DomainError(_l("Choose a regency/city in the chosen province."), field="regency")
    if profile.district_code:
        district = db.session.get(District, profile.district_code)
        if district is None or district.regency_code != profile.regency_code:
            raise DomainError(_l("Choose a district in the chosen regency/city."), field="district")


def _apply_profile(group: Group, profile: GroupProfile) -> None:
    _check_region(profile)
    try:
        programme = Programme(profile.programme)
    except ValueError:
        raise DomainError(_l("Choose a programme."), field="programme") from None
    group.name = clean_line(profile.name, 120)
    if len(group.name) < 3:
        raise DomainError(_l("The group name is too short."), field="name")
    group.programme = programme
    group.province_code = profile.province_code
    group.regency_code = profile.regency_code
    group.district_code = profile.district_code or None
    group.story = clean_multiline(profile.story, 3000)
    group.founded_year = profile.founded_year
    group.member_count = profile.member_count
    whatsapp = None
    if profile.whatsapp:
        whatsapp = normalise_phone(profile.whatsapp, mobile_only=True)
        if whatsapp is None:
            raise DomainError(
                _l("Enter a valid mobile/WhatsApp number, e.g. 0812-3456-7890."), field="whatsapp"
            )
    if whatsapp != group.whatsapp:
        # A new number gets no alert until a code sent to it comes back.
        group.whatsapp = whatsapp
        group.whatsapp_verified_at = None
    if profile.founded_year is not None and not 1900 <= profile.founded_year <= utcnow().year:
        raise DomainError(
            _l("Give a founding year between 1900 and this year."), field="founded_year"
        )
    if profile.member_count is not None and not 1 <= profile.member_count <= 1000:
        raise DomainError(_l("Give a number of members between 1 and 1000."), field="member_count")
    group.pickup_address = clean_multiline(profile.pickup_address, 500)
    for flag in (
        "accepts_transfer",
        "accepts_cash",
        "accepts_card",
        "accepts_qris",
        "offers_pickup",
        "offers_local_delivery",
        "offers_courier",
        "whatsapp_orders",
    ):
        setattr(group, flag, bool(getattr(profile, flag)))
    if group.whatsapp_orders and not group.whatsapp:
        raise DomainError(_l("Give the WhatsApp number the orders should go to."), field="whatsapp")


def _slug_taken(slug: str) -> bool:
    return db.session.scalar(select(func.count()).where(Group.slug == slug)) > 0


def _group_code_taken(code: str) -> bool:
    return db.session.scalar(select(func.count()).where(Group.short_code == code)) > 0


def create_group(creator: User, profile: GroupProfile, logo=None, cover=None) -> Group:
    """The person who creates a group becomes its ketua."""
    group = Group(slug="")
    _apply_profile(group, profile)
    group.slug = unique_slug(slugify(group.name), _slug_taken)
    group.short_code = unique_code(GROUP_CODE_LENGTH, _group_code_taken)
    _set_images(group, logo, cover)
    db.session.add(group)
    db.session.add(Membership(group=group, user=creator, role=Role.LEADER))
    db.session.flush()
    mark_public_change()
    return group


def update_profile(group: Group, profile: GroupProfile, logo=None, cover=None) -> Group:
    """The slug (and so every link already shared) stays when the name changes;
    a new name is searchable at once (it is part of each product's index:
    catalogue reindexes them through `hooks.ON_RENAME`)."""
    old_name = group.name
    _apply_profile(group, profile)
    _set_images(group, logo, cover)
    db.session.flush()
    if group.name != old_name:
        hooks.group_renamed(group)
    mark_public_change()
    # Its share image (name, place, logo) is drawn again by a job after the commit.
    enqueue_after_commit("shop.sharing.jobs.prerender_group", group.id)
    return group


def _set_images(group: Group, logo, cover) -> None:
    if logo:
        group.logo = store_image(logo, field="logo")
    if cover:
        group.cover = store_image(cover, field="cover")


def add_bank_account(group: Group, bank_name: str, number: str, holder: str) -> BankAccount:
    if len(group.bank_accounts) >= 5:
        raise DomainError(_l("A group can list at most 5 bank accounts."))
    account = BankAccount(
        group=group,
        bank_name=clean_line(bank_name, 60),
        account_number=clean_line(number, 34),
        account_holder=clean_line(holder, 120),
    )
    db.session.add(account)
    db.session.flush()
    # Buyers may now pay by transfer: the public pages say so.
    mark_public_change()
    return account


def remove_bank_account(group: Group, account_id: int) -> None:
    account = db.session.get(BankAccount, account_id)
    if account is None or account.group_id != group.id:
        raise DomainError(_l("That bank account does not exist."))
    db.session.delete(account)
    db.session.flush()
    mark_public_change()


def save_qris(group: Group, payload: str, by: User) -> QrisMerchant:
    """The group's static QRIS, after the ketua confirmed the merchant it
    names. Checked again here (the confirmation page carries the payload in
    the form, so what comes back is not trusted); saving turns QRIS on for
    buyers, and the audit log keeps the merchant before and after."""
    merchant = read_static(payload)
    before = read_static(group.qris_payload) if group.qris_payload else None
    if before is not None and before.payload == merchant.payload:
        group.accepts_qris = True
        db.session.flush()
        mark_public_change()
        return merchant
    group.qris_payload = merchant.payload
    group.accepts_qris = True
    record(
        AuditAction.QRIS_SAVED,
        group=group,
        actor=by,
        details=_qris_details(merchant)
        + (f" (was {_qris_details(before)})" if before is not None else ""),
    )
    db.session.flush()
    mark_public_change()  # the shop page lists the ways to pay
    return merchant


def remove_qris(group: Group, by: User) -> None:
    """No QRIS any more: buyers are no longer offered it (orders already
    placed by QRIS are told to ask the group)."""
    if not group.qris_payload:
        raise DomainError(_l("Your group has no QRIS to remove."))
    before = read_static(group.qris_payload)
    group.qris_payload = None
    group.accepts_qris = False
    record(AuditAction.QRIS_REMOVED, group=group, actor=by, details=_qris_details(before))
    db.session.flush()
    mark_public_change()


def _qris_details(merchant: QrisMerchant) -> str:
    return f"{merchant.name}, {merchant.city}, NMID {merchant.nmid}"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _derived_token(invitation: Invitation) -> str:
    """The token of an invitation: a MAC of its id and group under the
    site's secret key, so a ketua can be shown the link again (the invitation
    page reloaded, another ketua) while only its hash is stored."""
    key = current_app.secret_key
    key = key.encode() if isinstance(key, str) else key
    message = f"invitation:{invitation.id}:{invitation.group_id}".encode()
    mac = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode()


def invitation_token(invitation: Invitation) -> str | None:
    """The token of the invitation's link, or None when it cannot be shown
    again (made before links were derived, or the secret key changed)."""
    token = _derived_token(invitation)
    return token if hmac.compare_digest(_hash_token(token), invitation.token_hash) else None


def create_invitation(group: Group, by: User) -> tuple[Invitation, str]:
    """A fresh link; only the token's hash is kept (invitation_token derives
    the token again for the group's ketua)."""
    invitation = Invitation(
        group=group,
        # Unique until the id is known and the real hash replaces it.
        token_hash=f"pending-{secrets.token_hex(16)}",
        created_by_id=by.id,
        expires_at=utcnow() + current_app.config["INVITE_LIFETIME"],
    )
    db.session.add(invitation)
    db.session.flush()
    token = _derived_token(invitation)
    invitation.token_hash = _hash_token(token)
    db.session.flush()
    return invitation, token


def shown_invitation(invitations: list[Invitation]) -> tuple[Invitation, str] | None:
    """The newest of the group's open invitations whose link can be shown again."""
    for invitation in invitations:
        token = invitation_token(invitation)
        if token is not None:
            return invitation, token
    return None


def find_invitation(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == _hash_token(token))
    )
    if invitation is None or not invitation.is_usable(utcnow()):
        return None
    return invitation


def revoke_invitation(group: Group, invitation_id: int) -> None:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.group_id != group.id:
        raise DomainError(_l("That invitation does not exist."))
    invitation.revoked_at = utcnow()
    db.session.flush()


def accept_invitation(token: str, user: User) -> Membership:
    invitation = find_invitation(token)
    if invitation is None:
        raise DomainError(
            _l("This invitation link has expired or was withdrawn. Ask the ketua for a new one.")
        )
    existing = db.session.scalar(
        select(Membership).where(
            Membership.group_id == invitation.group_id, Membership.user_id == user.id
        )
    )
    if existing is not None:
        return existing
    membership = Membership(group_id=invitation.group_id, user_id=user.id, role=Role.MEMBER)
    db.session.add(membership)
    db.session.flush()
    return membership


def _leader_count(group: Group) -> int:
    """The group's ketua, counted with the group's row locked (PostgreSQL),
    so two ketua demoting each other at once cannot leave none."""
    db.session.execute(select(Group.id).where(Group.id == group.id).with_for_update())
    return db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.group_id == group.id, Membership.role == Role.LEADER)
    )


def remove_member(group: Group, membership_id: int) -> None:
    """A group always keeps at least one ketua."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.group_id != group.id:
        raise DomainError(_l("That person is not a member of this group."))
    if membership.role is Role.LEADER and _leader_count(group) <= 1:
        raise DomainError(_l("The group needs at least one ketua. Make someone else ketua first."))
    db.session.delete(membership)
    db.session.flush()


def set_role(group: Group, membership_id: int, role: Role) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.group_id != group.id:
        raise DomainError(_l("That person is not a member of this group."))
    if membership.role is Role.LEADER and role is not Role.LEADER and _leader_count(group) <= 1:
        raise DomainError(_l("The group needs at least one ketua. Make someone else ketua first."))
    membership.role = role
    db.session.flush()
    return membership
