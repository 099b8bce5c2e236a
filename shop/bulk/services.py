"""Writes of bulk requests: posting and confirming a request, a group's
capacity and offer, a coordinator's invitation, and the requester's
acceptance that turns offers into orders.

Rules, and why:
- A request opens only once its contact is verified (a code to the number on
  WhatsApp, else to the email): the groups are told of real requests only.
- The accepted quantity is taken by one conditional UPDATE of the request
  (`accepted_quantity + n <= quantity`, checked by its row count) before
  anything else is written, so two acceptances at once can never pass the
  quantity: the second waits for the first's row lock (PostgreSQL) or the
  write lock (SQLite) and then finds the room gone. Each offer is taken the
  same way (`status = open`), so it is accepted once.
- Each accepted part becomes an order of that group, placed by the same
  writer as a cart's checkout (shop.checkout.services.write_orders), with
  its messages, so it is paid and tracked like any order.
- Everything a group or a coordinator does, and each acceptance, goes in the
  audit log, in the same transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from shop.accounts.models import User
from shop.audit.models import AuditAction
from shop.audit.services import record
from shop.bulk import alerts, contact
from shop.bulk.matching import answerable, fitting_groups, min_weekly_capacity
from shop.bulk.models import (
    BulkInvitation,
    BulkOffer,
    BulkRequest,
    ContactPurpose,
    GroupCapacity,
    OfferStatus,
    RequestStatus,
)
from shop.catalogue.models import Category
from shop.checkout.services import (
    Buyer,
    NewOrder,
    buyer_columns,
    order_expiry,
    payable_methods,
    write_orders,
)
from shop.core.clock import jakarta_today
from shop.core.codes import new_number
from shop.core.text import clean_line, clean_multiline
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import DeliveryMethod, Group, PaymentMethod
from shop.orders.alerts import notify_placed
from shop.orders.models import Checkout, Order

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


def _requester(request: BulkRequest):
    """The audit log's actor for what the requester does (no account)."""
    return SimpleNamespace(id=None, name=clean_line(request.requester, 80))


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
        actor=_requester(request),
    )
    db.session.flush()
    alerts.notify_groups(request, groups)
    alerts.send_link(request, channel, target)
    return groups


def close_request(request: BulkRequest) -> BulkRequest:
    """The requester stops taking offers; what was accepted stays ordered."""
    if request.status is not RequestStatus.OPEN:
        raise DomainError(_l("This request is not open."))
    _close(request)
    record(
        AuditAction.BULK_CLOSED,
        subject=f"{request.number} · {request.institution}",
        actor=_requester(request),
    )
    db.session.flush()
    return request


def _close(request: BulkRequest) -> None:
    request.status = RequestStatus.CLOSED
    request.closed_at = utcnow()
    db.session.execute(
        update(BulkOffer)
        .where(BulkOffer.request_id == request.id, BulkOffer.status == OfferStatus.OPEN)
        .values(status=OfferStatus.NOT_CHOSEN)
        .execution_options(synchronize_session="fetch")
    )


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


# --- the accepting -------------------------------------------------------------


def _payment_for(group: Group) -> PaymentMethod:
    """How the requester pays the group: transfer where it can take one, else cash."""
    methods = payable_methods(group, False, bool(group.bank_accounts))
    for method in (PaymentMethod.TRANSFER, PaymentMethod.CASH):
        if method in methods:
            return method
    raise DomainError(_l("%(group)s cannot take payment yet.", group=group.name))


def accept_offers(request: BulkRequest, quantities: dict[int, int]) -> list[Order]:
    """Take `quantities` (offer id → how many) of the request's open offers:
    each becomes a placed order of its group. All or nothing."""
    chosen = {offer_id: n for offer_id, n in quantities.items() if n}
    if not chosen:
        raise DomainError(_l("Enter how many to take from at least one offer."))
    if request.status is not RequestStatus.OPEN:
        raise DomainError(_l("This request is not open."))
    offers = list(
        db.session.scalars(
            select(BulkOffer)
            .where(BulkOffer.request_id == request.id, BulkOffer.id.in_(sorted(chosen)))
            .options(joinedload(BulkOffer.group).selectinload(Group.bank_accounts))
            .order_by(BulkOffer.id)
        ).unique()
    )
    if len(offers) != len(chosen):
        raise DomainError(_l("An offer you chose is no longer there. Check the offers."))
    for offer in offers:
        n = chosen[offer.id]
        if offer.status is not OfferStatus.OPEN:
            raise DomainError(
                _l("The offer of %(group)s is already decided.", group=offer.group.name)
            )
        if not 1 <= n <= offer.quantity:
            raise DomainError(
                _l(
                    "%(group)s offers at most %(quantity)d.",
                    group=offer.group.name,
                    quantity=offer.quantity,
                )
            )
    payments = {offer.id: _payment_for(offer.group) for offer in offers}
    total = sum(chosen.values())
    _take_quantity(request, total)
    _take_offers(request, offers)
    now = utcnow()
    checkout = Checkout(token=secrets.token_urlsafe(32), key=secrets.token_urlsafe(32))
    db.session.add(checkout)
    db.session.flush()
    buyer = Buyer(
        name=request.requester,
        phone=request.contact_phone,
        email=request.contact_email,
        address=request.address,
        province_code=request.province_code,
        regency_code=request.regency_code,
        district_code=request.district_code,
        note=f"{request.number}: {request.description}",
        locale=request.locale,
    )
    new = []
    for offer in offers:
        n = chosen[offer.id]
        payment = payments[offer.id]
        row = {
            **buyer_columns(buyer),
            "delivery_method": offer.delivery_method,
            "payment_method": payment,
            "subtotal": offer.unit_price * n,
            "shipping_fee": offer.delivery_fee,
            "expires_at": order_expiry(payment, offer.delivery_fee),
        }
        line = {
            "variant_id": None,
            "product_id": None,
            "product_name": clean_line(request.title, 120),
            "variant_label": request.number,
            "unit_price": offer.unit_price,
            "quantity": n,
            "stock_taken": False,
        }
        new.append(NewOrder(group=offer.group, row=row, lines=[line]))
    placed = write_orders(checkout, new)
    for offer, order in zip(offers, placed, strict=True):
        offer.accepted_quantity = chosen[offer.id]
        offer.accepted_at = now
        offer.order_id = order.id
        record(
            AuditAction.BULK_ACCEPTED,
            group=offer.group,
            subject=f"{request.number} · {request.institution}",
            details=f"{chosen[offer.id]} × {offer.unit_price}; {order.number}",
            actor=_requester(request),
        )
    if request.accepted_quantity >= request.quantity:
        _close(request)
    db.session.flush()
    notify_placed(placed)
    return placed


def _take_quantity(request: BulkRequest, n: int) -> None:
    """Add `n` to the accepted quantity if it still fits, in one statement."""
    taken = db.session.execute(
        update(BulkRequest)
        .where(
            BulkRequest.id == request.id,
            BulkRequest.status == RequestStatus.OPEN,
            BulkRequest.accepted_quantity + n <= BulkRequest.quantity,
        )
        .values(accepted_quantity=BulkRequest.accepted_quantity + n)
        .returning(BulkRequest.accepted_quantity)
        .execution_options(synchronize_session=False)
    ).scalar()
    if taken is None:
        left = db.session.scalar(
            select(BulkRequest.quantity - BulkRequest.accepted_quantity).where(
                BulkRequest.id == request.id
            )
        )
        raise DomainError(
            _l(
                "Only %(left)d of %(quantity)d are still to be ordered; you chose %(chosen)d.",
                left=left or 0,
                quantity=request.quantity,
                chosen=n,
            )
        )
    set_committed_value(request, "accepted_quantity", taken)


def _take_offers(request: BulkRequest, offers: list[BulkOffer]) -> None:
    ids = [offer.id for offer in offers]
    result = cast(
        CursorResult[Any],
        db.session.execute(
            update(BulkOffer)
            .where(BulkOffer.id.in_(ids), BulkOffer.status == OfferStatus.OPEN)
            .values(status=OfferStatus.ACCEPTED)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != len(ids):
        raise DomainError(_l("An offer you chose was just accepted. Check the offers."))
    for offer in offers:
        set_committed_value(offer, "status", OfferStatus.ACCEPTED)


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
    _payment_for(group)
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
