"""Reads for orders: the buyer's private pages, the group's inbox."""

from __future__ import annotations

import hmac

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from shop.extensions import db
from shop.groups.models import Group
from shop.i18n.phone import normalise
from shop.orders.models import Checkout, Order, OrderStatus


def _order_options():
    return (
        joinedload(Order.group).selectinload(Group.bank_accounts),
        selectinload(Order.lines),
        selectinload(Order.events),
    )


def get_checkout_or_404(key: str) -> Checkout:
    checkout = None
    if key and len(key) <= 64:
        checkout = db.session.scalar(
            select(Checkout)
            .where(Checkout.key == key)
            .options(selectinload(Checkout.orders).options(*_order_options()))
        )
    if checkout is None or not hmac.compare_digest(checkout.key, key):
        abort(404)
    return checkout


def get_tracked_order_or_404(number: str, token: str) -> Order:
    """The order behind a private tracking link; the token is compared in
    constant time so its characters cannot be guessed one by one."""
    order = None
    if len(number) <= 16 and token and len(token) <= 64:
        order = db.session.scalar(
            select(Order).where(Order.number == number.upper()).options(*_order_options())
        )
    if order is None or not hmac.compare_digest(order.tracking_token, token):
        abort(404)
    return order


def find_by_number_and_phone(number: str, phone: str) -> Order | None:
    e164 = normalise(phone)
    number = (number or "").strip().upper()
    if not e164 or not number:
        return None
    if not number.startswith("ET-"):
        number = "ET-" + number
    order = db.session.scalar(select(Order).where(Order.number == number))
    if order is None or not hmac.compare_digest(order.buyer_phone, e164):
        return None
    return order


def orders_of_buyer(user) -> list[Order]:
    return list(
        db.session.scalars(
            select(Order)
            .where(Order.buyer_id == user.id)
            .options(joinedload(Order.group), selectinload(Order.lines))
            .order_by(Order.created_at.desc())
        )
    )


def new_order_count(group: Group) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Order)
        .where(Order.group_id == group.id, Order.status == OrderStatus.PLACED)
    )
