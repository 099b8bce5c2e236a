"""Reads for orders: the buyer's private pages, the group's inbox."""

from __future__ import annotations

import hmac
import re
import unicodedata

from flask import abort
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from shop.core.pagination import Pagination, paginate
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


def get_tracked_order_or_404(number: str, token: str, *, page: bool = True) -> Order:
    """The order behind a private tracking link; the token is compared in
    constant time so its characters cannot be guessed one by one. `page`
    loads with it what the tracking page draws (the card and refund-proof
    pages, which draw none of it, go without)."""
    order = None
    if len(number) <= 16 and token and len(token) <= 64:
        options = _order_options() if page else ()
        order = db.session.scalar(
            select(Order).where(Order.number == number.upper()).options(*options)
        )
    if order is None or not hmac.compare_digest(order.tracking_token, token):
        abort(404)
    return order


# Order numbers are letters and digits: spaces, dashes, dots, "#", quotes,
# invisible characters a chat app adds… are all separators.
_NUMBER_SEPARATORS = re.compile(r"[^0-9A-Za-z]+")
# Order numbers never use I, L, O or U (see core.codes.new_number): read as typed.
_LOOKALIKES = str.maketrans("ILO", "110")
# What the lookup reads of the typed number (room for separators and spaces).
TYPED_NUMBER_MAX = 40


def normalise_order_number(typed: str) -> str:
    """An order number as a buyer may type it ("et bgd515", " ET–BGD515 ",
    "#ET BGD 515", "bgd515") in the site's format (ET-BGD515); "" when
    nothing was typed."""
    compact = _NUMBER_SEPARATORS.sub("", unicodedata.normalize("NFKC", typed or "")).upper()
    if len(compact) > 6 and compact.startswith("ET"):
        compact = compact[2:]
    return "ET-" + compact.translate(_LOOKALIKES) if compact else ""


def find_by_number_and_phone(number: str, phone: str) -> Order | None:
    e164 = normalise(phone)
    number = normalise_order_number(number)
    if not e164 or not number:
        return None
    order = db.session.scalar(select(Order).where(Order.number == number))
    if order is None or not hmac.compare_digest(order.buyer_phone, e164):
        return None
    return order


def has_orders(user) -> bool:
    return db.session.scalar(select(select(Order.id).where(Order.buyer_id == user.id).exists()))


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


FINAL_STATES = tuple(status for status in OrderStatus if status.is_final)


def inbox_page(
    group: Group, status: OrderStatus | None, page: int, per_page: int
) -> tuple[dict[OrderStatus, int], Pagination]:
    """The group's order counts per status and one page of its inbox: new
    orders first, then open ones, oldest first (the longest waiting at the
    top), then closed ones, most recently closed first. Three statements
    whatever the page size: the counts per status (which give the total),
    the page, its lines."""
    counts = dict(
        db.session.execute(
            select(Order.status, func.count())
            .where(Order.group_id == group.id)
            .group_by(Order.status)
        ).all()
    )
    rank = case(
        (Order.status == OrderStatus.PLACED, 0), (Order.status.in_(FINAL_STATES), 2), else_=1
    )
    closed = case(
        (Order.status.in_(FINAL_STATES), func.coalesce(Order.closed_at, Order.created_at))
    )
    stmt = select(Order).where(Order.group_id == group.id)
    if status is not None:
        stmt = stmt.where(Order.status == status)
    stmt = stmt.options(selectinload(Order.lines)).order_by(
        rank, closed.desc(), Order.created_at, Order.id
    )
    total = counts.get(status, 0) if status is not None else sum(counts.values())
    return counts, paginate(stmt, per_page, page, total=total)
