"""Where the domains above groups plug into the group's pages and services,
so that groups imports none of them.

Both registries are filled by the registering package's blueprint.py, with
`connect` for the list (shop.core.hooks):
- HOME_PANELS: what the group's home page (/kelola/<slug>) shows besides the
  group itself. Each entry maps a template variable to a function of
  (group, today). Registered by catalogue (`products`: every product of the
  group) and consignment (`outlets_to_visit`).
- ON_RENAME: called with a group whose name has just changed, inside the
  service's transaction. Registered by catalogue (a product's search index
  holds its group's name).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from shop.groups.models import Group

HOME_PANELS: dict[str, Callable[[Group, date], Any]] = {}
ON_RENAME: list[Callable[[Group], None]] = []


def home_panels(group: Group, today: date) -> dict[str, Any]:
    """The template variables every registered panel gives for this group."""
    return {name: panel(group, today) for name, panel in HOME_PANELS.items()}


def group_renamed(group: Group) -> None:
    for handler in ON_RENAME:
        handler(group)
