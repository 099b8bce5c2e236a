"""Forms of the consignment pages: the outlet, a drop-off and a visit.

A drop-off has one row per variant the group can leave and a visit one row
per note line still out; each row is a small sub-form with its own prefix
(`item-<variant id>-`, `line-<line id>-`), built by the view for the rows it
shows, so a posted row for something not shown is never read.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, Form, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from shop.consignment.models import DEFAULT_VISIT_EVERY_DAYS
from shop.consignment.services import (
    MAX_MONEY,
    MAX_QUANTITY,
    MAX_QUANTITY_SHOWN,
    MAX_UNIT_PRICE,
    NOTE_LENGTH,
    Count,
    Item,
    OutletData,
)
from shop.i18n.fields import PhoneField, WholeNumberField
from shop.i18n.forms import BaseForm
from shop.regions.fields import RegionMixin


class OutletForm(RegionMixin, BaseForm):
    name = StringField(
        _l("Name of the warung or shop"),
        validators=[
            DataRequired(message=_l("Give the outlet's name.")),
            Length(min=2, max=120, message=_l("Use 2 to 120 characters.")),
        ],
    )
    owner_name = StringField(
        _l("Owner's name"),
        validators=[Optional(), Length(max=120, message=_l("Use at most 120 characters."))],
    )
    whatsapp = PhoneField(
        _l("Owner's WhatsApp number"),
        validators=[Optional()],
        description=_l("For the reminder before a visit. Optional."),
    )
    address = TextAreaField(
        _l("Address"),
        validators=[Optional(), Length(max=500, message=_l("Use at most 500 characters."))],
    )
    visit_every_days = WholeNumberField(
        _l("Visit every … days"),
        default=DEFAULT_VISIT_EVERY_DAYS,
        validators=[
            InputRequired(message=_l("Give a number of days from 1 to 90.")),
            NumberRange(min=1, max=90, message=_l("Give a number of days from 1 to 90.")),
        ],
        description=_l("How often you go to count the goods and collect the money."),
    )

    def to_data(self) -> OutletData:
        return OutletData(
            name=self.name.data or "",
            province_code=self.province.data or "",
            regency_code=self.regency.data or "",
            district_code=self.district.data or None,
            owner_name=self.owner_name.data or "",
            whatsapp=self.whatsapp.data or None,
            address=self.address.data or "",
            visit_every_days=self.visit_every_days.data or DEFAULT_VISIT_EVERY_DAYS,
        )


class _Row(Form):
    """A row of a form with rows: no CSRF token of its own (the form has it)."""

    class Meta:
        # Same translations as BaseForm: WTForms messages go through our catalogue.
        def get_translations(self, form):
            return BaseForm.Meta.get_translations(self, form)


class ItemRow(_Row):
    """One variant on the drop-off form; a blank quantity leaves none."""

    quantity = WholeNumberField(
        _l("How many you leave"),
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_QUANTITY,
                message=_l("Give a quantity from 0 to %(max)s.", max=MAX_QUANTITY_SHOWN),
            ),
        ],
    )
    unit_price = WholeNumberField(
        _l("Agreed price per unit (Rp)"),
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_UNIT_PRICE,
                message=_l("Give a price from Rp0 to Rp100.000.000."),
            ),
        ],
    )

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not self.quantity.data and not self.quantity.errors:
            # A row left empty is not read: its price does not matter.
            self.unit_price.errors = []
            return True
        if self.unit_price.data is None and not self.unit_price.errors:
            self.unit_price.errors = [_l("Give the agreed price per unit in rupiah.")]
            ok = False
        return ok


class _ShownAfter:
    """The newest note or visit at the outlet when the form was shown, sent
    back with it (see services.record_visit): a form sent twice saves once."""

    shown_after = HiddenField()

    def shown_after_id(self) -> int | None:
        raw = (self.shown_after.data or "").strip()
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


class DropOffForm(_ShownAfter, BaseForm):
    left_on = DateField(_l("Date left"), validators=[InputRequired(message=_l("Give the date."))])
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[
            Optional(),
            Length(max=NOTE_LENGTH, message=_l("Use at most 1000 characters.")),
        ],
    )

    def to_items(self, rows: dict[int, ItemRow]) -> list[Item]:
        return [
            Item(variant_id, row.quantity.data, row.unit_price.data or 0)
            for variant_id, row in rows.items()
            if row.quantity.data
        ]


_COUNT = [
    Optional(),
    NumberRange(
        min=0,
        max=MAX_QUANTITY,
        message=_l("Give a number from 0 to %(max)s.", max=MAX_QUANTITY_SHOWN),
    ),
]


class CountRow(_Row):
    """One note line still at the outlet, on the visit form."""

    sold = WholeNumberField(_l("Sold"), validators=_COUNT)
    restocked = WholeNumberField(_l("Back in stock (still good)"), validators=_COUNT)
    written_off = WholeNumberField(_l("Expired or damaged"), validators=_COUNT)


class VisitForm(_ShownAfter, BaseForm):
    visited_on = DateField(
        _l("Date of the visit"), validators=[InputRequired(message=_l("Give the date."))]
    )
    money_received = WholeNumberField(
        _l("Money received (Rp)"),
        validators=[
            Optional(),
            NumberRange(min=0, max=MAX_MONEY, message=_l("Give the money received in rupiah.")),
        ],
    )
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[
            Optional(),
            Length(max=NOTE_LENGTH, message=_l("Use at most 1000 characters.")),
        ],
    )

    def to_counts(self, rows: dict[int, CountRow]) -> list[Count]:
        return [
            Count(
                line_id,
                row.sold.data or 0,
                row.restocked.data or 0,
                row.written_off.data or 0,
            )
            for line_id, row in rows.items()
        ]
