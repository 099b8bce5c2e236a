"""What the workflow walks share: the `english` fixture (defined as
`english_fixture`: import it), so the refusals compared are the source
strings, and the buttons a page shows."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale


@pytest.fixture(name="english")
def english_fixture(app_ctx):
    """The messages compared are the source strings."""
    with force_locale("en"):
        yield


def buttons(html: str, pattern: str) -> set[str]:
    """The moves of the forms on `html` whose action matches `pattern` (its group)."""
    return set(re.findall(pattern, html))
