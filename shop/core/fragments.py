"""Parts of pages rendered once per process for each state they show.

A fragment is keyed by everything it shows (plus the language and where the
app is mounted), so it is never stale: a change to any of its inputs is a new
key. Only what is the same for every visitor is kept (never a visitor's own
parts: shop.core.personal), per process, at most MAX_FRAGMENTS holding at
most MAX_FRAGMENT_CHARS in all (the store is emptied when full: a product
page's body is a few thousand characters, a card a few hundred). A new
release starts new processes, so new wording and new templates are never
served from an old render.

In Python, `keep(key, render)`; in a template, a call block whose body is
rendered only when its key is new:

    {% call cached_fragment('catalogue-filters', filters.q, sort) %}…{% endcall %}
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import Flask, current_app, request
from flask_babel import get_locale
from markupsafe import Markup

MAX_FRAGMENTS = 50_000
MAX_FRAGMENT_CHARS = 32_000_000


class _Store(dict):
    """The fragments and how many characters they hold."""

    chars = 0


def key_prefix() -> tuple[str, str]:
    """What every fragment's key starts with: the language and where the app
    is mounted (a list of fragments asks once: `keep(..., prefix=)`)."""
    return (str(get_locale()), request.script_root)


def keep(
    key: tuple[Hashable, ...], render: Callable[[], str], *, prefix: tuple[str, str] | None = None
) -> Markup:
    store: _Store = current_app.extensions["fragments"]
    full_key = (*(key_prefix() if prefix is None else prefix), *key)
    found = store.get(full_key)
    if found is None:
        found = Markup(render())
        if len(store) >= MAX_FRAGMENTS or store.chars + len(found) > MAX_FRAGMENT_CHARS:
            store.clear()
            store.chars = 0
        store[full_key] = found
        store.chars += len(found)
    return found


def cached_fragment(*key: Hashable, caller: Callable[[], str]) -> Markup:
    """Jinja global for a `{% call %}` block: its body, rendered once per key."""
    return keep(key, caller)


def install(app: Flask) -> None:
    app.extensions["fragments"] = _Store()
    app.jinja_env.globals["cached_fragment"] = cached_fragment
