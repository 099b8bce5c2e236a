"""Changes to a cart. The cart is a plain dict {variant id (str): quantity}
kept in the signed session cookie (small: at most MAX_LINES lines)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from shop.catalogue.models import Variant
from shop.errors import DomainError
from shop.groups.ordering import not_taking_orders, takes_orders

MAX_LINES = 30
MAX_QUANTITY = 999


def check_quantity(variant: Variant, quantity: int) -> None:
    """The rules a buyer meets when adding or changing a line: the product is
    for sale, the minimum order is respected and tracked stock suffices."""
    product = variant.product
    if not product.is_public or product.catalogue_only:
        raise DomainError(_l("This product is not for sale online."), field="quantity")
    if quantity < variant.min_order_qty:
        raise DomainError(
            _l(
                "The minimum order for %(name)s is %(n)d.",
                name=variant_name(variant),
                n=variant.min_order_qty,
            ),
            field="quantity",
        )
    if quantity > MAX_QUANTITY:
        raise DomainError(_l("At most %(n)d per product.", n=MAX_QUANTITY), field="quantity")
    if variant.stock is not None and quantity > variant.stock:
        if variant.stock < variant.min_order_qty:
            raise DomainError(
                _l("%(name)s is sold out.", name=variant_name(variant)), field="quantity"
            )
        raise DomainError(
            _l("Only %(n)d of %(name)s left.", n=variant.stock, name=variant_name(variant)),
            field="quantity",
        )


def variant_name(variant: Variant) -> str:
    return f"{variant.product.name} ({variant.label})"


def fit_to_stock(variant: Variant, quantity: int) -> int:
    """`quantity`, or what is left of the tracked stock when that is less
    but still enough for the minimum order (less than that is sold out,
    which check_quantity refuses)."""
    if variant.stock is not None and variant.min_order_qty <= variant.stock < quantity:
        return variant.stock
    return quantity


def fitted_note(variant: Variant) -> str:
    """What the buyer is told when fit_to_stock lowered a quantity."""
    return _l(
        "%(name)s: only %(n)d left in stock; the quantity was changed to %(n)d.",
        name=variant_name(variant),
        n=variant.stock,
    )


@dataclass(frozen=True)
class CartChange:
    cart: dict[str, int]
    note: str | None = None  # a quantity lowered to the stock left, said why


def _fitted(cart: dict[str, int], variant: Variant, quantity: int) -> CartChange:
    fitted = fit_to_stock(variant, quantity)
    check_quantity(variant, fitted)
    note = fitted_note(variant) if fitted != quantity else None
    return CartChange({**cart, str(variant.id): fitted}, note)


def add(cart: dict[str, int], variant: Variant, quantity: int) -> CartChange:
    """Add to what is already in the cart for that variant; more than the
    stock left becomes the stock left, with a note saying so. Nothing of a
    group that takes no orders now (shop.groups.ordering): the buyer learns
    it here, not at checkout."""
    group = variant.product.group
    if not takes_orders(group):
        raise DomainError(not_taking_orders(group), field="quantity")
    key = str(variant.id)
    if key not in cart and len(cart) >= MAX_LINES:
        raise DomainError(
            _l("Your cart is full. Place your order before adding more products."), field="quantity"
        )
    return _fitted(cart, variant, cart.get(key, 0) + quantity)


def set_quantity(cart: dict[str, int], variant: Variant, quantity: int) -> CartChange:
    """Quantity 0 removes the line; more than the stock left becomes the
    stock left, with a note saying so."""
    key = str(variant.id)
    if quantity <= 0:
        return CartChange({k: v for k, v in cart.items() if k != key})
    return _fitted(cart, variant, quantity)


def remove(cart: dict[str, int], variant_id: int) -> dict[str, int]:
    return {k: v for k, v in cart.items() if k != str(variant_id)}


def clean(raw) -> dict[str, int]:
    """Whatever came from the session, as a valid cart dict."""
    if not isinstance(raw, dict):
        return {}
    out: dict[str, int] = {}
    for key, value in list(raw.items())[:MAX_LINES]:
        if (
            isinstance(key, str)
            and key.isdigit()
            and isinstance(value, int)
            and 0 < value <= MAX_QUANTITY
        ):
            out[key] = value
    return out
