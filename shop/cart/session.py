"""The buyer's cart in the session: its lines, its identity and its version.

The identity is a random id the cart keeps for the life of the session; the
version goes up with every change (add, change, remove, empty). Checkout
places orders once per (id, version), so every tab showing one state of the
cart can submit and the orders are still made only once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import session

from shop.cart import services

LINES_KEY = "cart"  # read by base.html for the cart count
ID_KEY = "cart_id"
VERSION_KEY = "cart_version"
ID_LENGTH = 32


@dataclass(frozen=True)
class CartIdentity:
    id: str
    version: int


def current_cart() -> dict[str, int]:
    return services.clean(session.get(LINES_KEY))


def cart_identity() -> CartIdentity:
    """The session's cart id and version; a cart without an id gets one."""
    cart_id = session.get(ID_KEY)
    if not _valid_id(cart_id):
        cart_id = secrets.token_hex(ID_LENGTH // 2)
        session[ID_KEY] = cart_id
    version = session.get(VERSION_KEY)
    if not isinstance(version, int) or version < 0:
        version = 0
    return CartIdentity(cart_id, version)


def save_cart(cart: dict[str, int]) -> CartIdentity:
    """Keep `cart` (empty: no lines) as a new version of the session's cart
    (the same version when nothing changed)."""
    identity = cart_identity()
    if cart == current_cart():
        return identity
    if cart:
        session[LINES_KEY] = cart
    else:
        session.pop(LINES_KEY, None)
    session[VERSION_KEY] = identity.version + 1
    return CartIdentity(identity.id, identity.version + 1)


def _valid_id(value) -> bool:
    return (
        isinstance(value, str)
        and len(value) == ID_LENGTH
        and all(c in "0123456789abcdef" for c in value)
    )


def parse_identity(cart_id: str | None, version: str | None) -> CartIdentity | None:
    """The identity a checkout form sent, or None when it is not one."""
    if not _valid_id(cart_id) or not (version or "").isdigit() or len(version or "") > 9:
        return None
    return CartIdentity(str(cart_id), int(str(version)))


def keep_checked(view) -> list[str]:
    """Keep the cart as load_cart checked it (`view`: lines no longer
    there removed, quantities lowered to the stock left); the notes that
    tell the buyer which quantities were lowered."""
    if view.cart != current_cart():  # unchanged: no session made for it
        save_cart(view.cart)
    return view.notes
