"""Where the domains above cart add to the cart page, so that cart imports
none of them: CART_PAGE, called with the cart (queries.CartView) when the
page is drawn; each returns names for the template (rounds: `cart_rounds`,
variant id -> the pre-order round item, for the lines ordered in a round).
Filled by the registering package's blueprint.py (`shop.core.hooks.connect`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CART_PAGE: list[Callable[[Any], dict[str, Any]]] = []


def page_context(cart: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for hook in CART_PAGE:
        context.update(hook(cart))
    return context
