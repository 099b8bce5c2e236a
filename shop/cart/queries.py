"""The cart as the buyer sees it: current prices and stock, grouped by group."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from shop.catalogue.models import Product, Variant
from shop.extensions import db
from shop.groups.models import Group


@dataclass
class CartLine:
    variant: Variant
    quantity: int
    problem: str = ""

    @property
    def product(self) -> Product:
        return self.variant.product

    @property
    def line_total(self) -> int:
        return self.variant.price * self.quantity


@dataclass
class CartGroup:
    group: Group
    lines: list[CartLine] = field(default_factory=list)

    @property
    def subtotal(self) -> int:
        return sum(line.line_total for line in self.lines)


@dataclass
class CartView:
    groups: list[CartGroup]
    missing: list[str]  # variant ids in the session that no longer exist
    # The session's cart as checked: missing lines gone, quantities above
    # the stock left lowered to it (fit_to_stock), each lowering said in notes.
    cart: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(line.quantity for g in self.groups for line in g.lines)

    @property
    def total(self) -> int:
        return sum(g.subtotal for g in self.groups)

    @property
    def has_problems(self) -> bool:
        return any(line.problem for g in self.groups for line in g.lines)

    def prices(self) -> dict[str, int]:
        return {str(line.variant.id): line.variant.price for g in self.groups for line in g.lines}


def get_variant(variant_id: int) -> Variant | None:
    """A variant with its product and group (what the cart's rules and
    messages read), in one statement; None when there is none."""
    return db.session.scalar(
        select(Variant)
        .where(Variant.id == variant_id)
        .options(
            joinedload(Variant.product).joinedload(Product.group).undefer(Group.has_bank_account)
        )
    )


def load_cart(cart: dict[str, int], *, photos: bool = True) -> CartView:
    """Two statements whatever the cart holds: variants with products, groups
    and photos joined, in the order they were added (one without the photos,
    for pages that show none)."""
    from shop.cart.services import check_quantity, fit_to_stock, fitted_note
    from shop.errors import DomainError

    ids = [int(k) for k in cart]
    variants = {}
    if ids:
        rows = db.session.scalars(
            select(Variant)
            .where(Variant.id.in_(ids))
            .options(
                joinedload(Variant.product)
                .joinedload(Product.group)
                .undefer(Group.has_bank_account),
                *([joinedload(Variant.product).selectinload(Product.photos)] if photos else []),
            )
        ).unique()
        variants = {v.id: v for v in rows}
    groups: dict[int, CartGroup] = {}
    missing = []
    checked: dict[str, int] = {}
    notes = []
    for key, quantity in cart.items():
        variant = variants.get(int(key))
        if variant is None:
            missing.append(key)
            continue
        fitted = fit_to_stock(variant, quantity) if variant.product.is_public else quantity
        if fitted != quantity:
            notes.append(fitted_note(variant))
        checked[key] = fitted
        line = CartLine(variant, fitted)
        try:
            check_quantity(variant, fitted)
        except DomainError as problem:
            line.problem = str(problem.message)
        group = variant.product.group
        groups.setdefault(group.id, CartGroup(group)).lines.append(line)
    return CartView(list(groups.values()), missing, checked, notes)
