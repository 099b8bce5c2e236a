"""Writes of bulk requests: posting and confirming a request, closing it,
getting back to it, a group's capacity and offer, a coordinator's
invitation. Accepting offers is shop.bulk.accepting's.

Rules, and why:
- A request opens only once its contact is verified (a code to the number on
  WhatsApp, else to the email): the groups are told of real requests only.
- A group offers once, only on an open request it may answer
  (shop.bulk.matching), and only with a delivery it offers and a way to be
  paid, so every offer can become an order.
- Everything a group or a coordinator does goes in the audit log, in the
  same transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm.attributes import set_committed_value

from shop.accounts.models import User
from shop.audit.models import AuditAction
from shop.audit.services import record
from shop.bulk import alerts, contact
from shop.bulk.accepting import close_offers, payment_for, requester_actor
from shop.bulk.matching import answerable, fitting_groups, min_weekly_capacity
from shop.bulk.models import (
    BulkInvitation,
    BulkOffer,
    BulkRequest,
    ContactPurpose,
    GroupCapacity,
    RequestStatus,
)
from shop.catalogue.models import Category
from shop.core.clock import jakarta_today
from shop.core.codes import new_number
from shop.core.text import clean_line, clean_multiline
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import DeliveryMethod, Group

MAX_QUANTITY = 1_000_000
MAX_PRICE = 1_000_000_000


# --- the requester -------------------------------------------------------------


@dataclass
class RequestDraft:
    institution: str
    contact_name: str
    phone: str
    email: str | None
    category: Category
    title: str
    description: str
    quantity: int
    needed_by: date
    budget_per_unit: int
    province_code: str
    regency_code: str
    district_code: str | None
    address: str
    locale: str = "id"


def post_request(draft: RequestDraft) -> BulkRequest:
    """A new request, waiting for its contact's code (sent now)."""
    today = jakarta_today()
    if not 1 <= draft.quantity <= MAX_QUANTITY:
        raise DomainError(_l("Give a quantity between 1 and 1,000,000."), field="quantity")
    if draft.needed_by <= today:
        raise DomainError(_l("Give a date after today."), field="needed_by")
    if draft.needed_by > today + timedelta(days=366):
        raise DomainError(_l("Give a date within a year."), field="needed_by")
    if not 0 <= draft.budget_per_unit <= MAX_PRICE:
        raise DomainError(_l("Give a budget per unit in whole rupiah."), field="budget_per_unit")
    channel, target = contact.channel_for(draft.phone, draft.email)
    request = BulkRequest(
        number=new_number("BR-", BulkRequest.number),
        key=secrets.token_urlsafe(32),
        institution=clean_line(draft.institution, 120),
        contact_name=clean_line(draft.contact_name, 80),
        contact_phone=draft.phone,
        contact_email=draft.email or None,
        locale=draft.locale,
        category=draft.category,
        title=clean_line(draft.title, 120),
        description=clean_multiline(draft.description, 2000),
        quantity=draft.quantity,
        needed_by=draft.needed_by,
        budget_per_unit=draft.budget_per_unit,
        province_code=draft.province_code,
        regency_code=draft.regency_code,
        district_code=draft.district_code,
        address=clean_multiline(draft.address, 500),
        status=RequestStatus.PENDING,
    )
    db.session.add(request)
    db.session.flush()
    contact.send_code(channel, target, ContactPurpose.CONFIRM, draft.locale, utcnow(), request.id)
    return request


def resend_confirmation(request: BulkRequest) -> None:
    if request.status is not RequestStatus.PENDING:
        raise DomainError(_l("This request is already confirmed."))
    channel, target = contact.channel_for(request.contact_phone, request.contact_email)
    contact.send_code(channel, target, ContactPurpose.CONFIRM, request.locale, utcnow(), request.id)


def confirm_request(request: BulkRequest, code: str) -> list[Group]:
    """The code came back: the request opens, the groups that fit are told
    (each gets an invitation row: it may answer from now on), and the
    private link goes to the contact. Returns the groups told."""
    if request.status is not RequestStatus.PENDING:
        raise DomainError(_l("This request is already confirmed."))
    now = utcnow()
    channel, target = contact.channel_for(request.contact_phone, request.contact_email)
    row = contact.use_code(target, ContactPurpose.CONFIRM, code, now)
    if row.request_id != request.id:
        raise DomainError(contact.CODE_REFUSED, field="code")
    return open_request(request, channel, target)


def open_request(request: BulkRequest, channel: str, target: str) -> list[Group]:
    """Open a request whose contact is verified: the groups that fit are
    told (each gets an invitation row: it may answer from now on) and the
    private link goes to the contact. Returns the groups told."""
    now = utcnow()
    request.status = RequestStatus.OPEN
    request.contact_verified_at = now
    request.opened_at = now
    request.min_weekly_capacity = min_weekly_capacity(
        request.quantity, request.needed_by, jakarta_today()
    )
    db.session.flush()
    groups = list(db.session.scalars(fitting_groups(request).order_by(Group.name)))
    db.session.add_all(BulkInvitation(request_id=request.id, group_id=g.id) for g in groups)
    record(
        AuditAction.BULK_OPENED,
        subject=f"{request.number} · {request.institution}",
        details=f"{request.quantity} × {request.title}; {len(groups)}",
        actor=requester_actor(request),
    )
    db.session.flush()
    alerts.notify_groups(request, groups)
    alerts.send_link(request, channel, target)
    return groups


def close_request(request: BulkRequest) -> BulkRequest:
    """The requester stops taking offers; what was accepted stays ordered."""
    if request.status is not RequestStatus.OPEN:
        raise DomainError(_l("This request is not open."))
    close_offers(request)
    record(
        AuditAction.BULK_CLOSED,
        subject=f"{request.number} · {request.institution}",
        actor=requester_actor(request),
    )
    db.session.flush()
    return request


def request_access(typed: str, locale: str) -> str | None:
    """Send an access code to a contact that has requests; the contact
    (normalised) or None. Whether any request has it is not told: the page
    after is the same."""
    row = db.session.execute(
        select(BulkRequest.contact_phone, BulkRequest.contact_email)
        .where(
            (BulkRequest.contact_phone == typed) | (BulkRequest.contact_email == typed),
            BulkRequest.contact_verified_at.is_not(None),
        )
        .limit(1)
    ).first()
    if row is None:
        return None
    channel, target = contact.channel_for(row[0], row[1])
    if target != typed:
        return None
    contact.send_code(channel, target, ContactPurpose.ACCESS, locale, utcnow())
    return target


def confirm_access(target: str, code: str) -> str:
    contact.use_code(target, ContactPurpose.ACCESS, code, utcnow())
    return target


# --- the groups ------------------------------------------------------------------


def set_capacity(group: Group, category: Category, weekly: int, by: User) -> None:
    """What the group can make a week of `category`; 0 takes it away."""
    if not 0 <= weekly <= MAX_QUANTITY:
        raise DomainError(_l("Give a number between 0 and 1,000,000."), field="weekly_quantity")
    row = db.session.scalar(
        select(GroupCapacity).where(
            GroupCapacity.group_id == group.id, GroupCapacity.category == category
        )
    )
    if weekly == 0:
        if row is not None:
            db.session.execute(delete(GroupCapacity).where(GroupCapacity.id == row.id))
    elif row is None:
        db.session.add(GroupCapacity(group_id=group.id, category=category, weekly_quantity=weekly))
    else:
        row.weekly_quantity = weekly
    db.session.flush()


@dataclass
class OfferDraft:
    unit_price: int
    quantity: int
    ready_by: date
    delivery_method: DeliveryMethod
    delivery_fee: int
    note: str = ""


def make_offer(request: BulkRequest, group: Group, draft: OfferDraft, by: User) -> BulkOffer:
    """The group's one offer on an open request it may answer."""
    allowed = db.session.scalar(
        select(BulkRequest.id).where(BulkRequest.id == request.id, answerable(group))
    )
    if allowed is None:
        raise DomainError(_l("This request no longer takes offers."))
    if db.session.scalar(
        select(BulkOffer.id).where(
            BulkOffer.request_id == request.id, BulkOffer.group_id == group.id
        )
    ):
        raise DomainError(_l("Your group has already made an offer on this request."))
    if not 1 <= draft.quantity <= request.quantity:
        raise DomainError(
            _l("Offer between 1 and %(quantity)d.", quantity=request.quantity), field="quantity"
        )
    if not 0 <= draft.unit_price <= MAX_PRICE:
        raise DomainError(_l("Give a price in whole rupiah."), field="unit_price")
    if not 0 <= draft.delivery_fee <= MAX_PRICE:
        raise DomainError(_l("Give a fee in whole rupiah."), field="delivery_fee")
    if draft.ready_by < jakarta_today():
        raise DomainError(_l("Give a date from today on."), field="ready_by")
    if draft.delivery_method not in group.delivery_methods:
        raise DomainError(_l("Your group does not offer this delivery."), field="delivery_method")
    db.session.refresh(group, ["bank_accounts"])
    payment_for(group)
    offer = BulkOffer(
        request_id=request.id,
        group_id=group.id,
        unit_price=draft.unit_price,
        quantity=draft.quantity,
        ready_by=draft.ready_by,
        delivery_method=draft.delivery_method,
        delivery_fee=draft.delivery_fee,
        note=clean_multiline(draft.note, 1000),
        by_id=by.id,
    )
    db.session.add(offer)
    db.session.flush()
    set_committed_value(offer, "group", group)
    set_committed_value(offer, "request", request)
    record(
        AuditAction.BULK_OFFERED,
        group=group,
        subject=f"{request.number} · {request.institution}",
        details=f"{draft.quantity} × {draft.unit_price}",
        actor=by,
    )
    db.session.flush()
    alerts.notify_offer(offer)
    return offer


# --- the coordinators ----------------------------------------------------------------


def invite_group(request: BulkRequest, group: Group, by: User) -> BulkInvitation:
    """A coordinator asks a group to answer an open request: the group is
    told as the fitting ones were, and may answer."""
    if request.status is not RequestStatus.OPEN:
        raise DomainError(_l("This request is not open."))
    if not group.is_public:
        raise DomainError(_l("This group is suspended."), field="group")
    if db.session.scalar(
        select(BulkInvitation.id).where(
            BulkInvitation.request_id == request.id, BulkInvitation.group_id == group.id
        )
    ):
        raise DomainError(
            _l("%(group)s was already told of this request.", group=group.name), field="group"
        )
    invitation = BulkInvitation(request_id=request.id, group_id=group.id, by_id=by.id)
    db.session.add(invitation)
    record(
        AuditAction.BULK_INVITED,
        group=group,
        subject=f"{request.number} · {request.institution}",
        actor=by,
    )
    db.session.flush()
    alerts.notify_groups(request, [group])
    return invitation
