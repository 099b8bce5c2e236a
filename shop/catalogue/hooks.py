"""Where the domains above catalogue add to its public pages, so that
catalogue imports none of them (filled by the registering package's
blueprint.py with `shop.core.hooks.connect`):

- PRODUCT_PAGE: called with the product when its page is drawn; each returns
  names for the template (rounds: `preorder`, the open pre-order round the
  product is in, shown above the order form).
- SHOP_PAGE: called with the group when its shop page is drawn (rounds:
  `preorder_rounds`, its rounds taking orders).

The page's body is a fragment kept per state (page_fragments.py); what these
give is drawn outside it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PRODUCT_PAGE: list[Callable[[Any], dict[str, Any]]] = []
SHOP_PAGE: list[Callable[[Any], dict[str, Any]]] = []


def page_context(hooks: list[Callable[[Any], dict[str, Any]]], obj: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for hook in hooks:
        context.update(hook(obj))
    return context
