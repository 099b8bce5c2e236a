"""Pre-order round writes: a group opens a round, the periodic task closes it
at its deadline, the group marks it ready; coordinators feature it.

Each is one action in the caller's transaction (flush, never commit). The
pointers the public pages read (`Product.preorder_round_id`,
`Group.open_rounds`) change with the round, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import contains_eager

from shop.accounts.models import User
from shop.audit.models import AuditAction
from shop.audit.services import record
from shop.catalogue.models import Product, ProductStatus, Variant
from shop.core.cache import mark_public_change
from shop.core.clock import midnight_utc
from shop.core.text import clean_line, clean_multiline
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import Group
from shop.rounds.alerts import notify_buyers
from shop.rounds.models import Round, RoundItem, RoundStatus
from shop.rounds.workflow import ROUND_FLOW

MAX_CAPACITY = 100_000
# A round longer than this is a shop, not a round.
MAX_DAYS_OPEN = 90


@dataclass
class RoundDetails:
    title: str
    description: str
    last_order_day: date
    ready_on: date
    handover: str = ""


def _check(details: RoundDetails, today: date) -> None:
    if not clean_line(details.title, 120):
        raise DomainError(_l("Give the round a name."), field="title")
    if details.last_order_day < today:
        raise DomainError(_l("The last order day has already passed."), field="last_order_day")
    if details.last_order_day > today + timedelta(days=MAX_DAYS_OPEN):
        raise DomainError(
            _l("A round takes orders for at most %(days)d days.", days=MAX_DAYS_OPEN),
            field="last_order_day",
        )
    if details.ready_on < details.last_order_day:
        raise DomainError(
            _l("The goods cannot be ready before the last order day."), field="ready_on"
        )


def _offered(group: Group, capacities: dict[int, int]) -> list[Variant]:
    """The group's variants given a capacity, of products buyers can order."""
    if not capacities:
        raise DomainError(_l("Give a capacity to at least one product."))
    if any(not 1 <= n <= MAX_CAPACITY for n in capacities.values()):
        raise DomainError(_l("A capacity is a whole number from 1 to %(max)d.", max=MAX_CAPACITY))
    variants = list(
        db.session.scalars(
            select(Variant)
            .join(Variant.product)
            .where(Variant.id.in_(capacities), Product.group_id == group.id)
            .options(contains_eager(Variant.product))
            .order_by(Variant.id)
        )
    )
    if len(variants) != len(capacities):
        raise DomainError(_l("A product of this round is no longer there. Open the form again."))
    for variant in variants:
        product = variant.product
        if product.status is not ProductStatus.PUBLISHED or product.catalogue_only:
            raise DomainError(
                _l(
                    "%(name)s cannot be ordered (not published, or shown in the catalogue "
                    "only): publish it for sale first.",
                    name=product.name,
                )
            )
        if product.preorder_round_id is not None:
            raise DomainError(
                _l(
                    "%(name)s is already in a round that takes orders. "
                    "It can join a new round once that one closes.",
                    name=product.name,
                )
            )
    return variants


def open_round(
    group: Group, details: RoundDetails, capacities: dict[int, int], *, today: date, by: User
) -> Round:
    """A new round taking orders for the given variants (variant id ->
    capacity) until the end of `last_order_day`, Jakarta time.

    A product is in one open round at a time: a buyer's order must say which
    round it is for."""
    _check(details, today)
    variants = _offered(group, capacities)
    round_ = Round(
        group=group,
        title=clean_line(details.title, 120),
        description=clean_multiline(details.description, 2000),
        last_order_day=details.last_order_day,
        closes_at=midnight_utc(details.last_order_day + timedelta(days=1)),
        ready_on=details.ready_on,
        handover=clean_line(details.handover, 300),
        status=RoundStatus.OPEN,
        created_by_id=by.id,
        items=[
            RoundItem(product_id=v.product_id, variant_id=v.id, capacity=capacities[v.id])
            for v in variants
        ],
    )
    db.session.add(round_)
    db.session.flush()
    db.session.execute(
        update(Product)
        .where(Product.id.in_({v.product_id for v in variants}))
        .values(preorder_round_id=round_.id)
        .execution_options(synchronize_session=False)
    )
    _count_open(group.id)
    _expire_pointers()
    mark_public_change()
    return round_


def _count_open(group_id: int) -> None:
    open_count = (
        select(func.count())
        .select_from(Round)
        .where(Round.group_id == group_id, Round.status == RoundStatus.OPEN)
        .scalar_subquery()
    )
    db.session.execute(
        update(Group)
        .where(Group.id == group_id)
        .values(open_rounds=open_count)
        .execution_options(synchronize_session=False)
    )


def _expire_pointers() -> None:
    """Loaded products and groups must see the pointers just written."""
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Product):
            db.session.expire(obj, ["preorder_round_id"])
        elif isinstance(obj, Group):
            db.session.expire(obj, ["open_rounds"])


def close_round(round_: Round, now: datetime) -> bool:
    """Close a round past its deadline: its products leave it, its buyers are
    told the orders are closed and when the goods are ready. False when it
    is not due or was closed already (by another worker meanwhile): running
    twice is safe, the round is claimed by a conditional UPDATE first."""
    claimed = db.session.execute(
        update(Round)
        .where(
            Round.id == round_.id,
            Round.status == RoundStatus.OPEN,
            Round.closes_at <= now,
        )
        .values(status=RoundStatus.CLOSED, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], claimed).rowcount != 1:
        db.session.refresh(round_)
        return False
    db.session.refresh(round_)
    db.session.execute(
        update(Product)
        .where(Product.preorder_round_id == round_.id)
        .values(preorder_round_id=None)
        .execution_options(synchronize_session=False)
    )
    _count_open(round_.group_id)
    _expire_pointers()
    notify_buyers(round_, "closed")
    mark_public_change()
    db.session.flush()
    return True


def due_rounds(now: datetime, limit: int = 50) -> list[Round]:
    return list(
        db.session.scalars(
            select(Round)
            .where(Round.status == RoundStatus.OPEN, Round.closes_at <= now)
            .order_by(Round.closes_at, Round.id)
            .limit(limit)
        )
    )


def mark_ready(round_: Round, by: User | None) -> Round:
    """The goods are made: every buyer of the round is told to pick them up
    (or that they are on the way)."""
    ROUND_FLOW.check(round_, "siap")
    round_.status = RoundStatus.READY
    round_.ready_at = utcnow()
    notify_buyers(round_, "ready")
    db.session.flush()
    return round_


def feature_round(round_: Round, by: User) -> Round:
    """Put a round first on the public list of rounds, marked as chosen by
    the coordinators. Only a round that takes orders: the list is for buying."""
    if round_.status is not RoundStatus.OPEN:
        raise DomainError(_l("Only a round that takes orders can be featured."))
    if round_.featured_at is not None:
        return round_
    round_.featured_at = utcnow()
    round_.featured_by_id = by.id
    record(AuditAction.ROUND_FEATURED, group=round_.group, subject=round_.title, actor=by)
    mark_public_change()
    db.session.flush()
    return round_


def unfeature_round(round_: Round, by: User) -> Round:
    if round_.featured_at is None:
        return round_
    round_.featured_at = None
    round_.featured_by_id = None
    record(AuditAction.ROUND_UNFEATURED, group=round_.group, subject=round_.title, actor=by)
    mark_public_change()
    db.session.flush()
    return round_
