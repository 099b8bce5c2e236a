"""Parts of pages rendered once per process for each state they show.

A fragment is keyed by everything it shows (plus the language and where the
app is mounted), so it is never stale: a change to any of its inputs is a new
key. Only what is the same for every visitor is kept (never a visitor's own
parts: shop.core.personal), per process, at most MAX_FRAGMENTS (the store is
emptied when full). A new release starts new processes, so new wording and
new templates are never served from an old render.

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


def keep(key: tuple[Hashable, ...], render: Callable[[], str]) -> Markup:
    store: dict = current_app.extensions["fragments"]
    full_key = (str(get_locale()), request.script_root, *key)
    found = store.get(full_key)
    if found is None:
        found = Markup(render())
        if len(store) >= MAX_FRAGMENTS:
            store.clear()
        store[full_key] = found
    return found


def cached_fragment(*key: Hashable, caller: Callable[[], str]) -> Markup:
    """Jinja global for a `{% call %}` block: its body, rendered once per key."""
    return keep(key, caller)


def install(app: Flask) -> None:
    app.extensions["fragments"] = {}
    app.jinja_env.globals["cached_fragment"] = cached_fragment
