"""Media integration fixtures: a private, empty MEDIA_ROOT per test."""

from __future__ import annotations

import pytest

from shop.media.storage import LocalStorage


@pytest.fixture
def media(app, monkeypatch, tmp_path) -> LocalStorage:
    """Files from one test never meet another's: assertions about what is
    left behind look at this folder only."""
    root = tmp_path / "media"
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    return LocalStorage(root)
