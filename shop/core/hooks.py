"""Where a lower package lets higher ones act without importing them: it
keeps a list (or a dict of named entries) of functions, and each higher
package connects its own when the app is made (shop/orders/hooks.py,
shop/groups/hooks.py)."""

from __future__ import annotations

from collections.abc import Callable


def connect(hooks: list, function: Callable) -> None:
    """Add `function` to `hooks` once (a process may make the app many times)."""
    if function not in hooks:
        hooks.append(function)
