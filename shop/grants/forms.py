"""The grant and equipment forms (coordinators)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from shop.grants.models import GrantSource
from shop.grants.services import (
    FIRST_YEAR,
    MAX_AMOUNT,
    GrantDetails,
    ItemDetails,
)
from shop.i18n.fields import WholeNumberField
from shop.i18n.forms import BaseForm
from shop.media.forms import PhotosField


def _source(value):
    if not value:
        return None
    try:
        return GrantSource(value)
    except ValueError:
        return None


class GrantForm(BaseForm):
    programme = StringField(
        _l("Programme"),
        validators=[InputRequired(), Length(max=120)],
        description=_l("As the decree names it, e.g. “JPS TKM Kabupaten Jambi”."),
    )
    funding_year = WholeNumberField(
        _l("Funding year"),
        validators=[
            InputRequired(),
            NumberRange(
                min=FIRST_YEAR,
                max=2099,
                message=_l("Give the funding year as four digits, from 2000 on."),
            ),
        ],
        description=_l("The budget year the grant was paid from, e.g. 2024."),
    )
    amount = WholeNumberField(
        _l("Amount (Rp)"),
        validators=[
            InputRequired(),
            NumberRange(
                min=1,
                max=MAX_AMOUNT,
                message=_l("Give the amount in whole rupiah, more than zero."),
            ),
        ],
        description=_l("In whole rupiah, e.g. 40.000.000."),
    )
    source = SelectField(
        _l("Source of the money"),
        choices=GrantSource.choices(blank=_l("Choose…")),
        coerce=_source,
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose where the money came from."))],
    )
    received_on = DateField(_l("Day received"), validators=[InputRequired()])
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Optional: the decree number, what the grant was for."),
    )

    def details(self) -> GrantDetails:
        return GrantDetails(
            programme=self.programme.data or "",
            funding_year=self.funding_year.data,
            amount=self.amount.data,
            source=self.source.data,
            received_on=self.received_on.data,
            note=self.note.data or "",
        )


class ItemForm(BaseForm):
    name = StringField(
        _l("Equipment"),
        validators=[InputRequired(), Length(max=120)],
        description=_l("What was bought, e.g. “Vacuum sealer”."),
    )
    quantity = WholeNumberField(
        _l("Quantity"),
        validators=[
            InputRequired(),
            NumberRange(min=1, message=_l("Give the quantity as a whole number, at least 1.")),
        ],
    )
    cost = WholeNumberField(
        _l("Cost (Rp)"),
        validators=[
            InputRequired(),
            NumberRange(min=0, max=MAX_AMOUNT, message=_l("Give the cost in whole rupiah.")),
        ],
        description=_l("What the whole quantity cost, in whole rupiah."),
    )
    photos = PhotosField(
        _l("Photos"),
        description=_l("Up to 4 photos of the equipment or its receipt: JPEG, PNG, WebP or HEIC."),
    )

    def details(self) -> ItemDetails:
        return ItemDetails(
            name=self.name.data or "",
            quantity=self.quantity.data,
            cost=self.cost.data,
        )
