"""Forms for confirming a number and resetting a password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from shop.accounts.forms import LoginField
from shop.i18n.forms import BaseForm
from shop.i18n.phone import normalise


class PhoneField(StringField):
    """A WhatsApp (mobile) number, normalised to E.164 in `self.phone`."""

    def post_validate(self, form, validation_stopped):
        self.phone = None
        if validation_stopped or not self.data:
            return
        self.phone = normalise(self.data, mobile_only=True)
        if self.phone is None:
            self.errors.append(_l("Enter a valid WhatsApp number (e.g. 0812-3456-7890)."))


def _code_field():
    return StringField(
        _l("Code"),
        validators=[
            DataRequired(),
            Regexp(r"^\s*[0-9]{6}\s*$", message=_l("The code has 6 digits.")),
        ],
    )


def _new_password_fields():
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[
            DataRequired(),
            EqualTo("password", message=_l("The passwords differ.")),
        ],
    )
    return password, confirm


class CodeForm(BaseForm):
    code = _code_field()


class ButtonForm(BaseForm):
    """A button: nothing but the CSRF token."""


class ChangeNumberForm(BaseForm):
    phone = PhoneField(_l("New WhatsApp number"), validators=[DataRequired(), Length(max=32)])
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=200)])


class ForgotForm(BaseForm):
    login = LoginField(
        _l("WhatsApp number or email"),
        validators=[DataRequired(), Length(max=254)],
    )


class ResetWithCodeForm(BaseForm):
    phone = PhoneField(_l("WhatsApp number"), validators=[DataRequired(), Length(max=32)])
    code = _code_field()
    password, confirm = _new_password_fields()


class NewPasswordForm(BaseForm):
    password, confirm = _new_password_fields()
