"""The Content-Security-Policy allows scripts from our own files only
(script-src 'self'): an inline event handler in a template would be blocked
in the browser, with a console error, and do nothing."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def test_no_template_has_an_inline_event_handler():
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in sorted(TEMPLATES.rglob("*.html"))
        if INLINE_HANDLER.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
