"""Domain errors raised by services, and the error pages."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A broken business rule. `message` is user-facing (already translated
    or lazy); `field` names the form field it belongs to, if any."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def apply_to_form(form, error: DomainError) -> None:
    """Show a DomainError on the form field it names, or on the form itself."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*list(field.errors), error.message]
    else:
        form.form_errors.append(error.message)


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith(app.config["MEDIA_URL_PREFIX"] + "/"):
            return error
        code = error.code or 500
        template = {
            404: "errors/404.html",
            403: "errors/403.html",
            413: "errors/413.html",
            429: "errors/429.html",
        }.get(code, "errors/generic.html")
        return render_template(template, error=error), code

    @app.errorhandler(500)
    def server_error(error):
        return render_template("errors/500.html"), 500


def commit_or_flash(action, success=None) -> bool:
    """Run one service call for a button (a form with no fields to mark):
    commit and flash `success`, or roll back everything it started and flash
    its DomainError. Returns whether it went through."""
    from flask import flash

    from shop.extensions import db

    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return False
    db.session.commit()
    if success:
        flash(success, "success")
    return True


def commit_or_show(form, action):
    """Run one service call for a form view: commit and return its result, or
    roll back everything it started and show its DomainError on the form (None).

    Used where the service returns the object it created or changed."""
    from shop.extensions import db

    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        apply_to_form(form, error)
        return None
    db.session.commit()
    return result
