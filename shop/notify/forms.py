"""The form a browser's push subscription comes in (posted by app.js), for
a member's phone (the alerts page) and a buyer's (the tracking page)."""

from __future__ import annotations

from flask import flash, jsonify, redirect, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from shop.i18n.forms import BaseForm
from shop.notify.push import EndpointRefused, checked_endpoint, endpoint_rules, valid_keys

ENDPOINT_PROBLEMS = {
    "length": _l("This address is too long."),
    "url": _l("This is not a web address."),
    "https": _l("Notifications are only sent to https addresses."),
    "internal": _l("Notifications are not sent to this address."),
    "unreachable": _l("This address cannot be reached."),
}


class PushSubscriptionForm(BaseForm):
    """What a browser's `pushManager.subscribe()` answered, posted by app.js:
    where its push service takes our notifications, and its keys."""

    endpoint = StringField(validators=[DataRequired()])
    p256dh = StringField(validators=[Optional(), Length(max=128)])
    auth = StringField(validators=[Optional(), Length(max=64)])

    def validate_endpoint(self, field) -> None:
        # One message for every reason, the length cap (ENDPOINT_MAX) too;
        # the endpoint is kept as it will be posted to, its host normalised.
        try:
            field.data = checked_endpoint(field.data or "", **endpoint_rules()).url
        except EndpointRefused as refused:
            raise ValidationError(ENDPOINT_PROBLEMS[refused.reason]) from None


class NewPushSubscriptionForm(PushSubscriptionForm):
    """Turning notifications on: the keys are required and must be real ones."""

    p256dh = StringField(validators=[DataRequired(), Length(max=128)])
    auth = StringField(validators=[DataRequired(), Length(max=64)])

    def validate_auth(self, field) -> None:
        if not valid_keys(self.p256dh.data or "", field.data or ""):
            raise ValidationError(_l("The browser's keys are not valid."))


def subscription_answer(ok: bool, form: PushSubscriptionForm, back: str, message: str):
    """The answer to a subscription's POST: JSON for app.js (which asks for
    it), else a message on the page it came from."""
    if request.accept_mimetypes.best == "application/json":
        if ok:
            return jsonify(ok=True, message=message)
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return jsonify(ok=False, errors=errors), 400
    flash(
        message if ok else _("Notifications could not be turned on."), "success" if ok else "error"
    )
    return redirect(back, 303)
