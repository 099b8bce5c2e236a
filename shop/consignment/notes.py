"""Consignment writes for drop-offs: leaving goods at an outlet (a note, the
nota titip) and taking a note back that was entered by mistake.

Stock moves through `shop.catalogue.stock`, the same conditional updates
checkout uses: goods left at an outlet leave the online stock, and
made-to-order goods touch no stock at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from shop.accounts.models import User
from shop.catalogue import stock
from shop.catalogue.models import Product, ProductStatus, Variant
from shop.consignment.models import Consignment, ConsignmentLine, Outlet
from shop.consignment.outlets import (
    MAX_LINES,
    MAX_QUANTITY,
    MAX_QUANTITY_SHOWN,
    MAX_UNIT_PRICE,
    NOTE_LENGTH,
    StaleForm,
    check_day,
    latest_consignment_id,
    lock_outlet,
    recompute_seen,
    require_open,
    seen,
)
from shop.consignment.workflow import NOTE_FLOW, NoteFacts
from shop.core.cache import mark_public_change
from shop.core.clock import jakarta_today
from shop.core.codes import new_number
from shop.core.text import clean_multiline
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import Group


@dataclass(frozen=True)
class Item:
    variant_id: int
    quantity: int
    unit_price: int


def new_consignment_number() -> str:
    """Like TJ-7K3M9Q, written on the paper nota."""
    return new_number("TJ-", Consignment.number)


def _quantity_refused() -> DomainError:
    return DomainError(
        _l("Give a quantity from 1 to %(max)s.", max=MAX_QUANTITY_SHOWN), field="items"
    )


def _check_item(item: Item) -> None:
    if item.quantity < 1 or item.quantity > MAX_QUANTITY:
        raise _quantity_refused()
    if item.unit_price < 0 or item.unit_price > MAX_UNIT_PRICE:
        raise DomainError(_l("Give the agreed price per unit in rupiah."), field="items")


def _merge(items: Sequence[Item]) -> dict[int, Item]:
    merged: dict[int, Item] = {}
    for item in items:
        _check_item(item)
        known = merged.get(item.variant_id)
        if known is not None:
            if known.unit_price != item.unit_price:
                raise DomainError(
                    _l("The same product is listed twice with different prices."), field="items"
                )
            item = Item(item.variant_id, known.quantity + item.quantity, item.unit_price)
            if item.quantity > MAX_QUANTITY:
                raise _quantity_refused()
        merged[item.variant_id] = item
    if not merged:
        raise DomainError(_l("Add at least one product and how many you leave."), field="items")
    if len(merged) > MAX_LINES:
        raise DomainError(
            _l("A note holds at most %(max)s products.", max=MAX_LINES), field="items"
        )
    return merged


def _variants_to_leave(group: Group, merged: dict[int, Item]) -> list[tuple[Variant, Product]]:
    """The group's variants named in `merged`, in ascending variant id (like
    checkout: two writers never lock in opposite order)."""
    rows = db.session.execute(
        select(Variant, Product)
        .join(Product, Product.id == Variant.product_id)
        .where(
            Variant.id.in_(merged),
            Product.group_id == group.id,
            Product.status != ProductStatus.ARCHIVED,
        )
        .order_by(Variant.id)
    ).all()
    if len(rows) != len(merged):
        raise DomainError(
            _l("One of the products is not (or no longer) yours to leave."), field="items"
        )
    return [(variant, product) for variant, product in rows]


def _take_stock(variant: Variant, product: Product, quantity: int) -> None:
    left = variant.stock
    if not stock.take(variant.id, quantity):
        raise DomainError(
            _l(
                "Only %(count)s of %(name)s (%(variant)s) are in stock.",
                count=left,
                name=product.name,
                variant=variant.label,
            ),
            field="items",
        )


def _line(variant: Variant, product: Product, item: Item, left_on: date) -> ConsignmentLine:
    return ConsignmentLine(
        product_id=product.id,
        variant_id=variant.id,
        product_name=product.name,
        variant_label=variant.label,
        unit_price=item.unit_price,
        quantity=item.quantity,
        from_stock=variant.stock is not None,
        expires_on=(
            left_on + timedelta(days=product.shelf_life_days) if product.shelf_life_days else None
        ),
    )


def leave_goods(
    group: Group,
    outlet: Outlet,
    left_on: date,
    items: Sequence[Item],
    note: str = "",
    by: User | None = None,
    today: date | None = None,
    shown_after: int | None = None,
) -> Consignment:
    """Record goods left at `outlet`: tracked stock goes down by what was left
    (refused, nothing changed, if there is not that much), made-to-order goods
    are recorded without touching stock.

    `shown_after` is latest_consignment_id() when the form was shown: if a
    note has been saved at the outlet since, StaleForm is raised and nothing
    is saved, so the same form sent twice leaves the goods once."""
    require_open(outlet, group, "titip")
    check_day(left_on, today or jakarta_today(), "left_on")
    merged = _merge(items)
    if shown_after is not None and latest_consignment_id(outlet) != shown_after:
        raise StaleForm(
            _l(
                "A note for this outlet was saved after you opened the form, perhaps this "
                "same one sent twice. Check the notes below before leaving goods again."
            )
        )
    rows = _variants_to_leave(group, merged)
    consignment = Consignment(
        number=new_consignment_number(),
        group_id=group.id,
        outlet_id=outlet.id,
        left_on=left_on,
        note=clean_multiline(note, NOTE_LENGTH),
        created_by_id=by.id if by else None,
    )
    touched: set[int] = set()
    for variant, product in rows:
        item = merged[variant.id]
        if variant.stock is not None:
            _take_stock(variant, product, item.quantity)
            touched.add(product.id)
        consignment.lines.append(_line(variant, product, item, left_on))
    db.session.add(consignment)
    seen(outlet, left_on)
    db.session.flush()
    if touched:
        stock.refresh_in_stock(touched)
        mark_public_change()
    return consignment


def cancel_consignment(consignment: Consignment) -> None:
    """Take back a note entered by mistake: only while nothing on it has been
    counted at a visit. Its tracked goods go back into stock."""
    lock_outlet(consignment.outlet)
    db.session.refresh(consignment.outlet, ["archived_at"])
    # Read again under the lock, not from the loaded lines: a visit counted
    # (or another request cancelled) the note since it was loaded.
    NOTE_FLOW.check(NoteFacts.read(consignment), "batal")
    touched = set()
    for line in sorted(consignment.lines, key=lambda line: line.variant_id or 0):
        if line.from_stock and line.variant_id is not None:
            stock.give_back(line.variant_id, line.quantity)
            touched.add(line.product_id)
    outlet = consignment.outlet
    db.session.delete(consignment)
    db.session.flush()
    recompute_seen(outlet)
    if touched:
        stock.refresh_in_stock({pid for pid in touched if pid is not None})
        mark_public_change()
