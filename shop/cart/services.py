"""Changes to a cart. The cart is a plain dict {variant id (str): quantity}
kept in the signed session cookie (small: at most MAX_LINES lines)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from shop.catalogue.models import Variant
from shop.errors import DomainError

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


def add(cart: dict[str, int], variant: Variant, quantity: int) -> dict[str, int]:
    """Add to what is already in the cart for that variant."""
    key = str(variant.id)
    total = cart.get(key, 0) + quantity
    if key not in cart and len(cart) >= MAX_LINES:
        raise DomainError(
            _l("Your cart is full. Place your order before adding more products."), field="quantity"
        )
    check_quantity(variant, total)
    return {**cart, key: total}


def set_quantity(cart: dict[str, int], variant: Variant, quantity: int) -> dict[str, int]:
    """Quantity 0 removes the line."""
    key = str(variant.id)
    if quantity <= 0:
        return {k: v for k, v in cart.items() if k != key}
    check_quantity(variant, quantity)
    return {**cart, key: quantity}


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
