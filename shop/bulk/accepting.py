"""Accepting offers: the requester's choice of how many to take from each
open offer, turned into orders. All or nothing.

The accepted quantity is taken by one conditional UPDATE of the request
(`accepted_quantity + n <= quantity`, checked by what it returns) before
anything else is written, so two acceptances at once can never pass the
quantity: the second waits for the first's row lock (PostgreSQL) or the
write lock (SQLite) and then finds the room gone. Each offer is taken the
same way (`status = open`), so it is accepted once. Each accepted part
becomes an order of that group, written by the same writer as a cart's
checkout (shop.checkout.services.write_orders), with its messages, so it
is paid and tracked like any order.
"""

from __future__ import annotations

import secrets
from types import SimpleNamespace
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from shop.audit.models import AuditAction
from shop.audit.services import record
from shop.bulk.models import BulkOffer, BulkRequest, OfferStatus, RequestStatus
from shop.checkout.services import (
    Buyer,
    NewOrder,
    buyer_columns,
    order_expiry,
    write_orders,
)
from shop.core.text import clean_line
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import Group, PaymentMethod
from shop.groups.ordering import payable_methods
from shop.orders.alerts import notify_placed
from shop.orders.models import Checkout, Order


def requester_actor(request: BulkRequest):
    """The audit log's actor for what the requester does (no account)."""
    return SimpleNamespace(id=None, name=clean_line(request.requester, 80))


def close_offers(request: BulkRequest) -> None:
    """Close the request; its offers still open are not chosen."""
    request.status = RequestStatus.CLOSED
    request.closed_at = utcnow()
    db.session.execute(
        update(BulkOffer)
        .where(BulkOffer.request_id == request.id, BulkOffer.status == OfferStatus.OPEN)
        .values(status=OfferStatus.NOT_CHOSEN)
        .execution_options(synchronize_session="fetch")
    )


def payment_for(group: Group) -> PaymentMethod:
    """How the requester pays the group: transfer where it can take one, else
    QRIS, else cash (an office pays by bank; card is not offered here)."""
    methods = payable_methods(group, card_enabled=False, has_bank_account=bool(group.bank_accounts))
    for method in (PaymentMethod.TRANSFER, PaymentMethod.QRIS, PaymentMethod.CASH):
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
    payments = {offer.id: payment_for(offer.group) for offer in offers}
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
            actor=requester_actor(request),
        )
    if request.accepted_quantity >= request.quantity:
        close_offers(request)
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
