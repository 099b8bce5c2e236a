from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from shop.accounts.services import PASSWORD_MIN
from shop.i18n.forms import BaseForm
from shop.i18n.phone import looks_like_phone, normalise


def normalise_login(raw: str) -> tuple[str, str] | None:
    """Turn what a person typed into ("phone", "+62…") or ("email", "a@b.c")."""
    from email_validator import EmailNotValidError, validate_email

    raw = (raw or "").strip()
    if looks_like_phone(raw):
        phone = normalise(raw)
        return ("phone", phone) if phone else None
    try:
        result = validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        return None
    return ("email", result.normalized.lower())


class LoginField(StringField):
    """A phone number or an email address, normalised on the way in."""

    def post_validate(self, form, validation_stopped):
        if validation_stopped or not self.data:
            return
        login = normalise_login(self.data)
        if login is None:
            self.errors.append(
                _l("Enter a valid phone number (e.g. 0812-3456-7890) or email address.")
            )
            self.login = None
        else:
            self.login = login


class SignupForm(BaseForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=80)])
    login = LoginField(_l("WhatsApp number or email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=PASSWORD_MIN, max=200)]
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class LoginForm(BaseForm):
    login = LoginField(_l("WhatsApp number or email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me logged in on this phone"), default=True)


class ChangePasswordForm(BaseForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=PASSWORD_MIN, max=200)]
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )

    def validate_password(self, field):
        if field.data and field.data == self.current.data:
            raise ValidationError(_l("Choose a password different from the current one."))


class LogoutEverywhereForm(BaseForm):
    """Only its CSRF token: the button on the account page."""


# Each language is named in itself, whichever language the page is in.
MESSAGE_LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}


class MessageLanguageForm(BaseForm):
    """The language of the person's messages (`User.locale`)."""

    locale = SelectField(
        _l("Language"),
        # No `required`: one of the two is always chosen; anything else is
        # refused as not a valid choice.
        choices=[SelectChoice(code, name) for code, name in MESSAGE_LANGUAGES.items()],
    )
