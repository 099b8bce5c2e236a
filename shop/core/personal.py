"""The parts of a page that belong to one visitor, put in on the way out.

Every page is rendered with *slots* where a visitor's own parts go (base.html
calls `personal_slot(name)`): the cart count and the account links in the
header, the flash messages, "My orders" and the log-out form in the footer.
Nothing else on a public page depends on who asks. `fill` puts a `Visitor`'s
parts into the slots, so the same rendered page serves everyone:

- in Flask, after every view (`fill_response`), with the visitor of the
  request (`VISITOR_OF_REQUEST`: the session, the logged-in person);
- in the page cache (shop.core.cache), for a visitor with a cart or a login
  on a public page: the anonymous page's parts, kept in the cache, filled
  from the visitor's signed session cookie (`VISITOR_OF_COOKIE`), without
  Flask rendering anything.

The parts themselves come from the macros of templates/_partials/personal.html,
rendered once per process for each *shape* of visitor (language, cart count,
logged in or not, coordinator or not, in a group or not, the categories of
the messages) with placeholder characters where the name, the CSRF token and
the messages go.
The cache of those renders holds placeholders only: nothing personal is
kept, and nothing personal ever reaches the shared page cache, whose parts
are cut from an anonymous visitor's render.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, Response, current_app, g, request
from flask_babel import force_locale, get_locale
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError

from shop.extensions import login_manager

MARK = "<!--personal:{}-->"
SPLIT = re.compile(r"<!--personal:(\w+)-->")
SLOTS = ("manifest", "nav", "flashes", "footer_links", "account_bar")
TEMPLATE = "_partials/personal.html"
# Private-use characters stand for the name, the CSRF token and message i.
NAME, CSRF, FIRST_MESSAGE = "\ue000", "\ue001", 0xE100
PLACEHOLDER = re.compile("[\ue000-\ue1ff]")
MAX_MESSAGES = 0x100
# The renders per process, by visitor shape; cleared when this many.
MAX_SHAPES = 4096
# Where the page cache hands Flask an anonymous page's parts (shop.core.cache).
PARTS_KEY = "etalase.page_parts"


@dataclass(frozen=True)
class Visitor:
    """What one visitor's parts of a page show."""

    cart_lines: int = 0
    name: str | None = None  # None: not logged in
    coordinator: bool = False
    member: bool = False  # of a group: the header offers selling to everyone else
    csrf_token: str = ""
    flashes: tuple[tuple[str, str], ...] = field(default=())

    @property
    def logged_in(self) -> bool:
        return self.name is not None

    @property
    def shape(self) -> tuple:
        """What the rendered parts depend on besides the placeholders."""
        return (
            self.cart_lines,
            self.logged_in,
            self.coordinator,
            self.member,
            tuple(category for category, _ in self.flashes[:MAX_MESSAGES]),
        )

    def values(self) -> dict[str, str]:
        """Each placeholder's text, escaped (a message that is Markup stays as it is)."""
        found = {NAME: str(escape(self.name or "")), CSRF: str(escape(self.csrf_token))}
        for i, (_, message) in enumerate(self.flashes[:MAX_MESSAGES]):
            found[chr(FIRST_MESSAGE + i)] = str(escape(message))
        return found


ANONYMOUS = Visitor()

# Filled by a package above core (shop.site): who the visitor is, from
# Flask's request context, and from a decoded session cookie (None when only
# Flask can tell: a message to take out of the session, a login to renew).
VISITOR_OF_REQUEST: list[Callable[[], Visitor]] = []
VISITOR_OF_COOKIE: list[Callable[[dict, Flask], Visitor | None]] = []


def visitor_of_request() -> Visitor:
    return VISITOR_OF_REQUEST[0]() if VISITOR_OF_REQUEST else ANONYMOUS


def visitor_of_cookie(session: dict, app: Flask) -> Visitor | None:
    """Outside any application context (the page cache): the hook opens one
    only when it must ask the database."""
    return VISITOR_OF_COOKIE[0](session, app) if VISITOR_OF_COOKIE else None


def personal_slot(name: str) -> Markup:
    """Jinja global: where a visitor's part goes."""
    if name not in SLOTS:
        raise ValueError(f"unknown personal slot {name!r}")
    return Markup(MARK.format(name))


def split(body: str) -> list[str] | None:
    """[text, slot, text, slot, …, text], or None for a page without slots."""
    if "<!--personal:" not in body:
        return None
    return SPLIT.split(body)


def join_marked(parts: list[str]) -> str:
    """The page with its slots again (the inverse of `split`)."""
    return "".join(MARK.format(p) if i % 2 else p for i, p in enumerate(parts))


class Parts:
    """The rendered parts of each visitor shape, per language and script
    root, made on first use in this process."""

    def __init__(self, app: Flask):
        self.app = app
        self._rendered: dict[tuple, dict[str, str]] = {}

    def for_visitor(self, language: str, script_root: str, visitor: Visitor) -> dict[str, str]:
        key = (language, script_root, visitor.shape)
        found = self._rendered.get(key)
        if found is None:
            found = self._render(language, script_root, visitor)
            if len(self._rendered) >= MAX_SHAPES:
                self._rendered.clear()
            self._rendered[key] = found
        return found

    def _render(self, language: str, script_root: str, visitor: Visitor) -> dict[str, str]:
        stand_in = Visitor(
            cart_lines=visitor.cart_lines,
            name=NAME if visitor.logged_in else None,
            coordinator=visitor.coordinator,
            member=visitor.member,
            csrf_token=CSRF,
            flashes=tuple(
                (category, chr(FIRST_MESSAGE + i))
                for i, (category, _) in enumerate(visitor.flashes[:MAX_MESSAGES])
            ),
        )
        with (
            self.app.test_request_context("/", base_url=f"http://localhost{script_root}"),
            force_locale(language),
        ):
            template = self.app.jinja_env.get_template(TEMPLATE)
            module = template.make_module({})
            return {slot: str(getattr(module, slot)(stand_in)) for slot in SLOTS}


def fill(
    parts: list[str],
    visitor: Visitor,
    language: str,
    script_root: str = "",
    app: Flask | None = None,
) -> str:
    """The page of `split` with the visitor's parts in its slots (`app`:
    where there is no application context, the page cache)."""
    source = _parts_of(app if app is not None else current_app._get_current_object())
    rendered = source.for_visitor(language, script_root, visitor)
    values = visitor.values()
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(part)
        else:
            text = rendered.get(part, "")
            out.append(PLACEHOLDER.sub(lambda m: values.get(m.group(), ""), text))
    return "".join(out)


def _parts_of(app: Flask) -> Parts:
    return app.extensions["personal_parts"]


def fill_response(response: Response) -> Response:
    """after_request: a rendered page gets the visitor's parts in its slots.
    A public page's anonymous parts are left for the page cache to keep."""
    if (
        response.direct_passthrough
        or response.is_streamed
        or response.mimetype != "text/html"
        or response.content_encoding
    ):
        return response
    body = response.get_data(as_text=True)
    parts = split(body)
    if parts is None:
        return response
    visitor = g.pop("personal_visitor", None) or _visitor_or_anonymous()
    if g.get("public_page") and visitor == ANONYMOUS:
        request.environ[PARTS_KEY] = parts
    response.set_data(fill(parts, visitor, str(get_locale()), request.script_root))
    return response


def _visitor_or_anonymous() -> Visitor:
    """The request's visitor; when the database goes away while a page is
    answered (an error page for a logged-in person, say), that of a visitor
    who is not logged in, found without a query."""
    try:
        return visitor_of_request()
    except SQLAlchemyError:
        g._login_user = login_manager.anonymous_user()
        return visitor_of_request()


def serve_kept_page():
    """before_request: a public page whose anonymous parts the page cache
    handed over (for a visitor only Flask can serve: a message to show, a
    login to renew) is not rendered again; `fill_response` fills it. Who the
    visitor is, is asked here, so a database that is away gets its own page
    (the error handlers') as for any view."""
    parts = request.environ.get(PARTS_KEY)
    if parts is None or request.method not in ("GET", "HEAD"):
        return None
    request.environ.pop(PARTS_KEY)
    g.personal_visitor = visitor_of_request()
    return current_app.response_class(join_marked(parts), mimetype="text/html")


def install(app: Flask) -> None:
    """Register the slots; call after every other after_request that must see
    the filled page (after_request functions run last-registered first)."""
    app.extensions["personal_parts"] = Parts(app)
    app.jinja_env.globals["personal_slot"] = personal_slot
    app.before_request(serve_kept_page)
    app.after_request(fill_response)
