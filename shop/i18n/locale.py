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

from flask import current_app, g, request
from flask_babel import get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup

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
    if PARAM not in query_string and "%" not in query_string:
        return ""  # no `hl`, even percent-encoded: nothing to parse
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


def install_template_gettext(app) -> None:
    """Templates' `_()`, `gettext()`, `ngettext()`… as Jinja's i18n extension
    makes them with `newstyle=True` (the result is a format string, Markup
    where the template escapes), but cheaper: the request's translations are
    looked up once per language, not at each call, and `_()` is the function
    itself, not an alias that calls it through the template context again.

    Arguments are positional-only, as Jinja's own (`num=` and `context=` may
    be passed as variables). Flask-Babel's own callables ask for the context, the domain, the locale
    and its name at every call, and the alias and the newstyle wrapper each
    go through `Context.call`: about 20 µs a string, 40 strings on a product
    page. The translations found are kept with the locale they were found
    for, in Flask-Babel's per-request namespace, so `force_locale` (which sets
    another locale object) and each new request get their own.
    """

    def translations():
        ctx = getattr(g, "_flask_babel", None) if g else None
        if ctx is not None:
            kept = getattr(ctx, "etalase_translations", None)
            if kept is not None and kept[0] is getattr(ctx, "babel_locale", None):
                return kept[1]
        found = get_translations()
        ctx = getattr(g, "_flask_babel", None) if g else None
        if ctx is not None and getattr(ctx, "babel_locale", None) is not None:
            ctx.etalase_translations = (ctx.babel_locale, found)
        return found

    def formatted(eval_ctx, text: str, variables: dict, /):
        # Always a format string, as the i18n extension's newstyle gettext.
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    @pass_eval_context
    def gettext(eval_ctx, string: str, /, **variables):
        return formatted(eval_ctx, translations().ugettext(string), variables)

    @pass_eval_context
    def ngettext(eval_ctx, singular: str, plural: str, number: int, /, **variables):
        variables.setdefault("num", number)
        text = translations().ungettext(singular, plural, number)
        return formatted(eval_ctx, text, variables)

    @pass_eval_context
    def pgettext(eval_ctx, context: str, string: str, /, **variables):
        variables.setdefault("context", context)
        return formatted(eval_ctx, translations().upgettext(context, string), variables)

    @pass_eval_context
    def npgettext(eval_ctx, context: str, singular: str, plural: str, number: int, /, **variables):
        variables.setdefault("context", context)
        variables.setdefault("num", number)
        text = translations().unpgettext(context, singular, plural, number)
        return formatted(eval_ctx, text, variables)

    app.jinja_env.globals.update(
        _=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext
    )
