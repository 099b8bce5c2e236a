"""Which language a request is answered in.

Indonesian is the default for everyone; a visitor who picks English on the
language switch gets a long-lived `lang` cookie. The browser's Accept-Language
is deliberately ignored: many Indonesian phones are set to English, and the
people this site is for read Indonesian first.
"""

from __future__ import annotations

from flask import current_app, request

COOKIE = "lang"


def select_locale() -> str:
    chosen = request.cookies.get(COOKIE, "") if request else ""
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
