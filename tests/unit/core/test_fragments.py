"""Fragments kept per process: rendered once per key, and bounded."""

from shop.core import fragments


def test_a_fragment_is_rendered_once_per_key(app):
    calls = []

    def render():
        calls.append(1)
        return "<p>x</p>"

    with app.test_request_context("/"):
        assert fragments.keep(("t", 1), render) == "<p>x</p>"
        assert fragments.keep(("t", 1), render) == "<p>x</p>"
        fragments.keep(("t", 2), render)
    assert len(calls) == 2


def test_the_store_is_emptied_past_its_size(app, monkeypatch):
    monkeypatch.setattr(fragments, "MAX_FRAGMENT_CHARS", 25)
    store = app.extensions["fragments"]
    with app.test_request_context("/"):
        store.clear()
        store.chars = 0
        fragments.keep(("big", 1), lambda: "a" * 10)
        fragments.keep(("big", 2), lambda: "b" * 10)
        assert len(store) == 2 and store.chars == 20
        fragments.keep(("big", 3), lambda: "c" * 10)
        assert len(store) == 1 and store.chars == 10
