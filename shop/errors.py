"""Domain errors raised by services, and the error pages."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from flask import Flask, current_app, g, has_request_context, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException

from shop.outages import StorageUnavailable, outages

# Seconds a visitor (or a crawler) is asked to wait while the database or
# the file storage is away.
RETRY_AFTER = 30
# Blueprints whose answers are images (photo variants, share images): while
# the storage is away they get a bare 503, no page.
IMAGE_BLUEPRINTS = frozenset({"media", "sharing"})
# PostgreSQL's SQLSTATEs for "the server is not there": connection exceptions
# (class 08), shut down or starting up (57P01–57P03), too many connections.
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


@dataclass(frozen=True)
class ErrorPage:
    """What an error page says (templates/errors/error.html draws them all)."""

    title: str
    message: str


ERROR_TEMPLATE = "errors/error.html"
ERROR_PAGES = {
    403: ErrorPage(_l("Not allowed"), _l("Only the ketua of the group can open this page.")),
    404: ErrorPage(
        _l("Page not found"),
        _l("The page you are looking for does not exist or is no longer public."),
    ),
    413: ErrorPage(
        _l("File too large"), _l("The file you sent is too large. Photos may be up to 12 MB.")
    ),
    429: ErrorPage(_l("Too many attempts"), _l("Please wait a minute before trying again.")),
}
SERVER_ERROR = ErrorPage(
    _l("Something went wrong"),
    _l("Sorry, our mistake. Nothing you sent was half-saved; please try again in a moment."),
)
OTHER_ERROR = ErrorPage(_l("Something went wrong"), _l("The request could not be completed."))
FORM_EXPIRED = ErrorPage(
    _l("The form expired"),
    _l("For your safety the form could not be sent. Go back, reload the page and try again."),
)
DATABASE_AWAY = ErrorPage(
    _l("Back in a moment"),
    _l(
        "The shop cannot reach its records right now. Nothing you sent was half-saved; "
        "please try again in a minute."
    ),
)
STORAGE_AWAY = ErrorPage(
    _l("Back in a moment"),
    _l(
        "The shop cannot reach its stored files (photos, receipts, downloads) right now. "
        "Nothing is lost; please try again in a minute."
    ),
)


@dataclass(frozen=True)
class ErrorAction:
    label: str
    url: str


def error_page(status: int, page: ErrorPage | None = None, action: ErrorAction | None = None):
    """The error page for `status` (its own words, or `page`'s) and the
    status; its button is `action`, or the way to the home page."""
    page = page or ERROR_PAGES.get(status, OTHER_ERROR)
    return render_template(ERROR_TEMPLATE, page=page, bare=False, action=action), status


def _bare_error_page(page: ErrorPage, status: int):
    """The page drawn without base.html (which asks the database for the
    signed-in user): its button tries the same address again."""
    retry = request.full_path.rstrip("?") if request.method == "GET" else url_for("site.home")
    body = current_app.jinja_env.get_template(ERROR_TEMPLATE).render(
        current_locale=str(get_locale()),
        site_name=current_app.config["SITE_NAME"],
        page=page,
        bare=True,
        action=ErrorAction(_l("Try again"), retry),
    )
    return current_app.response_class(body, status, mimetype="text/html")


class DomainError(Exception):
    """A broken business rule. `message` is user-facing (already translated
    or lazy); `field` names the form field it belongs to, if any."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class CountedRefusal(DomainError):
    """A refusal whose writes are kept: the try it counted (a wrong code) is
    committed with it, so that guessing cannot undo its own count. The
    transaction helpers (shop.transaction) commit before passing it on."""


def apply_to_form(form, error: DomainError) -> None:
    """Show a DomainError on the form field it names, or on the form itself.
    An error with a `status` (a refused upload) makes the page that shows
    the form again answer with that status (see refuse_with)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*list(field.errors), error.message]
    else:
        form.form_errors.append(error.message)
    refuse_with(getattr(error, "status", None), getattr(error, "headers", None))


def refuse_with(status: int | None, headers: dict | None = None) -> None:
    """The form page drawn again in this request answers `status` (413, 415,
    422, 429 for a refused upload) instead of 200, so a refusal is never a
    success to a script or a proxy. A redirect is left alone."""
    if status and has_request_context():
        g._etalase_refusal = (status, dict(headers or {}))


def _refusal_status(response):
    refusal = g.pop("_etalase_refusal", None)
    if refusal is not None and response.status_code in (200, 422):
        response.status_code = refusal[0]
        response.headers.update(refusal[1])
    return response


def database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` says the database cannot be reached now (a 503 to try
    again), as opposed to a bug or a broken rule (a 500)."""
    if error is None:
        return False
    if isinstance(error, sa_exc.TimeoutError | sa_exc.DisconnectionError):
        return True  # no connection free in the pool, or a dropped one
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        if not isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError):
            return False
        error = error.orig
    if isinstance(error, sqlite3.OperationalError | sqlite3.InterfaceError):
        # Away (a moved or unmounted file), or busy past the 15 s timeout:
        # either way, try again in a moment.
        return any(text in str(error) for text in ("unable to open database", "database is locked"))
    try:
        import psycopg
    except ImportError:  # pragma: no cover
        return False
    if isinstance(error, psycopg.InterfaceError):
        return True  # the connection is closed
    if isinstance(error, psycopg.OperationalError):
        # No SQLSTATE: the client lost or never got its connection.
        state = error.sqlstate
        return state is None or state.startswith(_UNAVAILABLE_SQLSTATES)
    return False


def unavailable_page(error: BaseException):
    """503 in the visitor's language, drawn without the database: the session
    is discarded (its connection is broken) and the page is a template that
    asks nothing of the database (no signed-in user, no nav of groups)."""
    from shop.extensions import db, login_manager

    try:
        db.session.rollback()
    except Exception:  # the connection is gone; removing the session below discards it
        pass
    db.session.remove()
    # Anything that still asks for current_user gets an anonymous one, not a query.
    g._login_user = login_manager.anonymous_user()
    outages.failed("The database", "pages", error)
    return _retry_later(_bare_error_page(DATABASE_AWAY, 503))


def _retry_later(response):
    response.headers["Retry-After"] = str(RETRY_AFTER)
    response.cache_control.no_store = True
    return response


def storage_unavailable_answer(error: OSError):
    """503 with Retry-After while the file storage cannot give a file: an
    empty body for an image (an <img> shows nothing either way), the page in
    the visitor's language for anything else. The outage is logged once (the
    storage's breaker already did, for a bucket), not once per request."""
    outages.failed(getattr(error, "service", "The file storage"), "storage", error)
    prefix = current_app.config["MEDIA_URL_PREFIX"].rstrip("/") + "/"
    if request.blueprint in IMAGE_BLUEPRINTS or request.path.startswith(prefix):
        return _retry_later(current_app.response_class(b"", 503))
    return _retry_later(_bare_error_page(STORAGE_AWAY, 503))


def _database_answers(dbapi_connection, connection_record) -> None:
    outages.recovered("The database", "pages")


def register(app: Flask) -> None:
    # A new connection after an outage: the database is back (logged once).
    if not event.contains(Engine, "connect", _database_answers):
        event.listen(Engine, "connect", _database_answers)

    def database_error(error):
        if database_unavailable(error):
            return unavailable_page(error)
        raise error  # a bug: Flask logs it and answers 500

    app.register_error_handler(sa_exc.DBAPIError, database_error)
    app.register_error_handler(sa_exc.TimeoutError, database_error)
    app.register_error_handler(sa_exc.DisconnectionError, database_error)

    # The bucket (or the media folder) cannot give a file a page asked for.
    app.register_error_handler(StorageUnavailable, storage_unavailable_answer)
    app.after_request(_refusal_status)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_page(400, FORM_EXPIRED)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith(app.config["MEDIA_URL_PREFIX"] + "/"):
            return error
        code = error.code or 500
        return error_page(code)

    @app.errorhandler(500)
    def server_error(error):
        # The database went away while another error page was being drawn.
        original = getattr(error, "original_exception", None)
        if database_unavailable(original):
            return unavailable_page(original)
        return error_page(500, SERVER_ERROR)
