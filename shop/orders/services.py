"""Writes for orders after they are placed: the group's actions and expiry.

Every action checks the order's state table first (shop.orders.workflow:
the same table the group's page reads for its buttons) and refuses what is
not valid now (InvalidTransition) instead of ignoring it; each writes a
timeline event and tells the buyer through the outbox (and the group of a
payment or a cancellation), in the same transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, and_, or_, select, update

from shop.accounts.models import User
from shop.catalogue import stock
from shop.core.cache import mark_public_change
from shop.core.codes import NUMBER_ALPHABET, NUMBER_LENGTH, new_number, random_code
from shop.core.text import clean_line, clean_multiline
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import AlertKind, DeliveryMethod, PaymentMethod
from shop.orders import hooks
from shop.orders.alerts import notify_buyer, notify_group
from shop.orders.models import Order, OrderEvent, OrderStatus, PaymentStatus
from shop.orders.workflow import EXPIRABLE, ORDER_FLOW

# Checkout and payments read these here.
from shop.orders.workflow import OPEN_STATES as OPEN_STATES
from shop.orders.workflow import InvalidTransition as InvalidTransition

SENT_BY_BUYER = [method for method in PaymentMethod if method.sent_by_buyer]


def new_order_number() -> str:
    """Like ET-7K3M9Q."""
    return new_number("ET-", Order.number)


def new_order_numbers(
    count: int, transfer_groups: Iterable[int] = ()
) -> tuple[list[str], dict[int, set[int]]]:
    """`count` new order numbers, and the unique codes the open transfers and
    QRIS payments of each of `transfer_groups` already hold, in one read: the
    numbers are those of no order yet (a rare clash is drawn again and read
    again), the codes those a new one of that group must not repeat."""
    codes: dict[int, set[int]] = {group_id: set() for group_id in transfer_groups}
    numbers = _draw_numbers(count)
    open_transfers = and_(
        Order.group_id.in_(sorted(codes)),
        Order.payment_method.in_(SENT_BY_BUYER),
        Order.status.in_(OPEN_STATES),
    )
    where = or_(Order.number.in_(numbers), open_transfers) if codes else None
    while True:
        rows = db.session.execute(
            select(
                Order.number, Order.group_id, Order.unique_code, Order.payment_method, Order.status
            ).where(where if where is not None else Order.number.in_(numbers))
        )
        taken = set()
        for number, group_id, code, payment, status in rows:
            if number in numbers:
                taken.add(number)
            if group_id in codes and payment.sent_by_buyer and status in OPEN_STATES:
                codes[group_id].add(code)
        if not taken:
            return numbers, codes
        kept = [number for number in numbers if number not in taken]
        numbers = kept + _draw_numbers(count - len(kept), avoid=set(kept))
        where = None  # the codes are read: only the new numbers are checked


def _draw_numbers(count: int, avoid: set[str] | None = None) -> list[str]:
    """`count` different numbers like ET-7K3M9Q, none of them in `avoid`."""
    drawn: list[str] = []
    while len(drawn) < count:
        number = random_code(NUMBER_ALPHABET, NUMBER_LENGTH, "ET-")
        if number not in drawn and number not in (avoid or ()):
            drawn.append(number)
    return drawn


def new_tracking_token() -> str:
    return secrets.token_urlsafe(32)


def add_event(order: Order, kind: str, note: str = "", by: User | None = None) -> None:
    order.events.append(OrderEvent(kind=kind, note=note, by_id=by.id if by else None))


def _tell_buyer(order: Order, kind: str) -> None:
    notify_buyer(order, kind)


def payment_deadline(start: datetime) -> datetime:
    return start + timedelta(days=current_app.config["ORDER_PAYMENT_DAYS"])


def confirm_order(order: Order, shipping_fee: int | None, by: User | None) -> Order:
    """The group accepts the order. For courier delivery it must name the fee;
    the buyer then sees the final total before paying."""
    ORDER_FLOW.check(order, "konfirmasi")
    if order.delivery_method is DeliveryMethod.COURIER:
        if shipping_fee is None or shipping_fee < 0:
            raise DomainError(_l("Give the courier fee for this order."), field="shipping_fee")
        order.shipping_fee = shipping_fee
    order.status = OrderStatus.CONFIRMED
    order.confirmed_at = utcnow()
    if order.payment_method is not PaymentMethod.CASH and not order.is_paid:
        order.expires_at = payment_deadline(order.confirmed_at)
    add_event(order, "confirmed", by=by)
    _tell_buyer(order, "confirmed")
    db.session.flush()
    return order


def mark_paid(
    order: Order, by: User | None = None, note: str = "", *, repeat: bool = True
) -> Order:
    """Payment received: by the group (transfer seen, cash at handover) or by
    a verified Stripe webhook (`by` None). Paying twice changes nothing
    (Stripe may deliver twice); with `repeat` False (a person pressed the
    button) a repeat is refused and the person told."""
    if order.is_paid and repeat:
        return order
    ORDER_FLOW.check(order, "lunas")
    order.payment_status = PaymentStatus.PAID
    order.paid_at = utcnow()
    order.expires_at = None
    add_event(order, "paid", note=clean_line(note, 200), by=by)
    _tell_buyer(order, "paid")
    notify_group(order, AlertKind.PAID, by)
    db.session.flush()
    return order


def mark_packed(order: Order, by: User | None) -> Order:
    ORDER_FLOW.check(order, "kemas")
    order.status = OrderStatus.PACKED
    add_event(order, "packed", by=by)
    db.session.flush()
    return order


def mark_shipped(order: Order, courier: str, tracking_number: str, by: User | None) -> Order:
    ORDER_FLOW.check(order, "kirim")
    order.courier = clean_line(courier, 60)
    order.tracking_number = clean_line(tracking_number, 60)
    if order.delivery_method is DeliveryMethod.COURIER and not order.courier:
        raise DomainError(_l("Name the courier."), field="courier")
    order.status = OrderStatus.SHIPPED
    add_event(order, "shipped", by=by)
    _tell_buyer(order, "shipped")
    db.session.flush()
    return order


def mark_ready(order: Order, by: User | None) -> Order:
    ORDER_FLOW.check(order, "siap")
    order.status = OrderStatus.READY
    add_event(order, "ready", by=by)
    _tell_buyer(order, "ready")
    db.session.flush()
    return order


def complete_order(order: Order, by: User | None) -> Order:
    ORDER_FLOW.check(order, "selesai")
    order.status = OrderStatus.COMPLETED
    order.closed_at = utcnow()
    add_event(order, "completed", by=by)
    _tell_buyer(order, "completed")
    db.session.flush()
    return order


def _release_stock(order: Order) -> None:
    moved: set[int] = set()
    for line in sorted(order.lines, key=lambda line: line.variant_id or 0):
        if line.stock_taken and line.variant_id is not None:
            stock.give_back(line.variant_id, line.quantity)
            line.stock_taken = False
            if line.product_id is not None:
                moved.add(line.product_id)
    stock.refresh_in_stock(moved)
    hooks.order_released(order)
    if moved or any(line.round_item_id is not None for line in order.lines):
        mark_public_change()


def cancel_order(order: Order, reason: str, by: User | None) -> Order:
    """Stock goes back and the buyer is told why. A paid order's money goes
    back too: it is never cancelled without a refund record (a card refund
    then goes to Stripe after the commit; the group records any other), and
    the buyer's message says what happens to the money."""
    ORDER_FLOW.check(order, "batal")
    reason = clean_multiline(reason, 500)
    if not reason:
        raise DomainError(_l("Tell the buyer why the order is cancelled."), field="reason")
    was_paid = order.is_paid
    order.status = OrderStatus.CANCELLED
    order.cancel_reason = reason
    order.closed_at = utcnow()
    order.expires_at = None
    _release_stock(order)
    add_event(order, "cancelled", note=reason, by=by)
    if was_paid:
        hooks.paid_order_cancelled(order, by)  # payments write its refund
    _tell_buyer(order, "cancelled")
    notify_group(order, AlertKind.CANCELLED, by)
    db.session.flush()
    return order


def expire_order(order: Order) -> bool:
    """An unpaid order past its deadline: stock comes back. False if it is
    no longer expirable (paid, proof sent or closed meanwhile), so running
    twice is safe."""
    if ORDER_FLOW.refusal(order, "kedaluwarsa") is not None:
        return False
    # Claimed with a conditional UPDATE: a second scheduler or worker that
    # loaded the same order meanwhile finds it claimed and returns no stock.
    claimed = db.session.execute(
        update(Order)
        .where(
            Order.id == order.id,
            Order.status.in_(EXPIRABLE),
            Order.payment_status == PaymentStatus.UNPAID,
        )
        .values(status=OrderStatus.EXPIRED)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], claimed).rowcount != 1:
        db.session.refresh(order)
        return False
    order.status = OrderStatus.EXPIRED
    order.closed_at = utcnow()
    order.expires_at = None
    _release_stock(order)
    add_event(order, "expired")
    _tell_buyer(order, "expired")
    db.session.flush()
    return True


def due_for_expiry(now: datetime, limit: int = 200) -> list[Order]:
    stmt = (
        select(Order)
        .where(
            Order.expires_at.is_not(None),
            Order.expires_at <= now,
            Order.payment_status == PaymentStatus.UNPAID,
            Order.status.in_(EXPIRABLE),
        )
        .order_by(Order.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list(db.session.scalars(stmt))
