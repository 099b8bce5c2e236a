"""Which language a request is answered in.

Indonesian is the default for everyone; a visitor who picks English on the
language switch gets a long-lived `lang` cookie. A link may also ask for a
language in its query string (`?hl=en`): that is how the English version of a
page has an address of its own (for `hreflang` alternates, search engines and
shared links), and it wins over the cookie. The browser's Accept-Language is
deliberately ignored: many Indonesian phones are set to English, and the
people this site is for read Indonesian first.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qs

from flask import current_app, request

COOKIE = "lang"
PARAM = "hl"


def choose_language(asked: str, cookie: str, languages: Iterable[str], default: str) -> str:
    """The URL's `hl` first, then the cookie, then the default. The page
    cache keys pages with this same rule, so a cached page is never served
    in the other language."""
    languages = tuple(languages)
    for code in (asked, cookie):
        if code in languages:
            return code
    return default


def language_in_query(query_string: str) -> str:
    """`hl` from a raw query string, the first one as `request.args` reads it."""
    values = parse_qs(query_string, keep_blank_values=True).get(PARAM)
    return values[0] if values else ""


def select_locale() -> str:
    config = current_app.config
    if not request:
        return config["BABEL_DEFAULT_LOCALE"]
    return choose_language(
        request.args.get(PARAM, ""),
        request.cookies.get(COOKIE, ""),
        config["LANGUAGES"],
        config["BABEL_DEFAULT_LOCALE"],
    )
