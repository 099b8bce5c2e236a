"""The forms behind the group's order actions; each posts to one service."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from shop.core.filters import ChoiceFilter, FilterForm
from shop.i18n.fields import WholeNumberField
from shop.i18n.forms import BaseForm
from shop.orders.models import OrderStatus


class ActionForm(BaseForm):
    """An action that needs nothing but the press of a button (and CSRF)."""


class ConfirmForm(BaseForm):
    """Confirm a new order; the courier fee is asked for courier delivery only."""

    shipping_fee = WholeNumberField(
        _l("Courier fee (Rp)"),
        validators=[
            Optional(),
            NumberRange(
                min=0, max=100_000_000, message=_l("Enter a fee from Rp0 to Rp100 million.")
            ),
        ],
        description=_l("What the courier charges to the buyer's address, e.g. 25.000."),
        # Text, not type=number: "25.000" and "Rp 25.000" are kept as typed.
        widget=TextInput(),
    )

    def __init__(self, *args, needs_fee: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_fee = needs_fee
        if needs_fee:
            self.shipping_fee.flags.required = True

    def validate(self, extra_validators=None) -> bool:
        # Checked here, not inline: Optional() stops a field's own validators.
        valid = super().validate(extra_validators)
        if valid and self.needs_fee and self.shipping_fee.data is None:
            self.shipping_fee.errors.append(_l("Give the courier fee for this order."))
            return False
        return valid


class PaidForm(BaseForm):
    note = StringField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=200)],
        description=_l("e.g. the bank and the name on the transfer."),
    )


class ShipForm(BaseForm):
    courier = StringField(
        _l("Courier"),
        validators=[Optional(), Length(max=60)],
        description=_l("e.g. JNE, J&T, SiCepat, or the member who delivers it."),
    )
    tracking_number = StringField(
        _l("Tracking number (resi)"), validators=[Optional(), Length(max=60)]
    )

    def __init__(self, *args, needs_courier: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_courier = needs_courier
        if needs_courier:
            self.courier.flags.required = True

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.needs_courier and not (self.courier.data or "").strip():
            self.courier.errors.append(_l("Name the courier."))
            return False
        return valid


class CancelForm(BaseForm):
    reason = TextAreaField(
        _l("Reason for the buyer"),
        validators=[
            DataRequired(message=_l("Tell the buyer why the order is cancelled.")),
            Length(max=500),
        ],
        description=_l("The buyer receives this message, e.g. “Sold out until next week.”"),
    )


class InboxFilterForm(FilterForm):
    """The order inbox's status filter (a GET form; the CSV export reads it too)."""

    status = ChoiceFilter(_l("Status"), OrderStatus)
