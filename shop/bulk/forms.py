"""The forms of bulk requests: the requester's request, code and choice of
offers; the group's capacity and offer; the coordinator's invitation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from shop.catalogue.models import Category
from shop.i18n.fields import PhoneField, WholeNumberField
from shop.i18n.forms import BaseForm
from shop.regions.fields import RegionMixin


class RequestForm(RegionMixin, BaseForm):
    institution = StringField(
        _l("Office, school or agency"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("e.g. Dinas Koperasi Kota Jambi, SMA Negeri 1"),
    )
    contact_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=80)])
    phone = PhoneField(
        _l("WhatsApp / phone number"),
        mobile_only=False,
        validators=[DataRequired(), Length(max=32)],
    )
    email = StringField(
        _l("Email"),
        validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
        description=_l("We send the confirmation code and the link to your request here."),
    )
    category = SelectField(
        _l("Category"),
        choices=Category.choices(_l("Choose a category")),
        validators=[InputRequired(message=_l("Choose a category."))],
    )
    title = StringField(
        _l("What you need"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("e.g. Snack boxes for a meeting"),
    )
    description = TextAreaField(
        _l("Details"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Contents, size, packaging, labels: what the groups need to know."),
    )
    quantity = WholeNumberField(
        _l("How many"),
        validators=[
            InputRequired(message=_l("Give a quantity.")),
            NumberRange(
                min=1, max=1_000_000, message=_l("Give a quantity between 1 and 1,000,000.")
            ),
        ],
    )
    needed_by = DateField(_l("Needed by"), validators=[InputRequired(message=_l("Give a date."))])
    budget_per_unit = WholeNumberField(
        _l("Budget per unit (Rp)"),
        validators=[
            InputRequired(message=_l("Give a budget per unit.")),
            NumberRange(
                min=0, max=1_000_000_000, message=_l("Give a budget per unit in whole rupiah.")
            ),
        ],
    )
    address = TextAreaField(
        _l("Delivery address"),
        validators=[DataRequired(), Length(max=500)],
        description=_l("Street, building, room: where the goods go."),
    )


class CodeForm(BaseForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=12)],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )


class AccessForm(BaseForm):
    contact = StringField(
        _l("Your WhatsApp number or email"),
        validators=[DataRequired(), Length(max=254)],
        description=_l("The one you gave with your request."),
    )


class ButtonForm(BaseForm):
    """A button and its CSRF token."""


class CapacityForm(BaseForm):
    category = SelectField(
        _l("Category"),
        choices=Category.choices(_l("Choose a category")),
        validators=[InputRequired(message=_l("Choose a category."))],
    )
    weekly_quantity = WholeNumberField(
        _l("We can make up to this many a week"),
        validators=[
            InputRequired(message=_l("Give a number.")),
            NumberRange(min=0, max=1_000_000, message=_l("Give a number between 0 and 1,000,000.")),
        ],
        description=_l("0 removes the category."),
    )


class OfferForm(BaseForm):
    unit_price = WholeNumberField(
        _l("Price per unit (Rp)"),
        validators=[
            InputRequired(message=_l("Give a price per unit.")),
            NumberRange(min=0, max=1_000_000_000, message=_l("Give a price in whole rupiah.")),
        ],
    )
    quantity = WholeNumberField(
        _l("How many you can make"),
        validators=[
            InputRequired(message=_l("Give a quantity.")),
            NumberRange(
                min=1, max=1_000_000, message=_l("Give a quantity between 1 and 1,000,000.")
            ),
        ],
    )
    ready_by = DateField(_l("Ready by"), validators=[InputRequired(message=_l("Give a date."))])
    delivery_method = RadioField(
        _l("Delivery"), validators=[InputRequired(message=_l("Choose a delivery."))]
    )
    delivery_fee = WholeNumberField(
        _l("Delivery fee for the whole order (Rp)"),
        default=0,
        validators=[
            InputRequired(message=_l("Give a fee (0 if none).")),
            NumberRange(min=0, max=1_000_000_000, message=_l("Give a fee in whole rupiah.")),
        ],
    )
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=1000)])


class InviteForm(BaseForm):
    # Any slug: the view loads it through the scope (404 outside it).
    group = SelectField(
        _l("Group"),
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose a group."))],
    )
