from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from shop.i18n.fields import PhoneField
from shop.i18n.forms import BaseForm
from shop.regions.fields import RegionMixin


class CheckoutForm(RegionMixin, BaseForm):
    """The buyer's details. Delivery and payment per group are read from
    `delivery-<group id>` / `payment-<group id>` radio buttons by the view."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=80)])
    phone = PhoneField(
        _l("WhatsApp / phone number"),
        mobile_only=False,
        validators=[DataRequired(), Length(max=32)],
    )
    email = StringField(
        _l("Email (optional)"),
        validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
    )
    address = TextAreaField(
        _l("Address"),
        validators=[Optional(), Length(max=500)],
        description=_l("Street, house number, village: where the group delivers."),
    )
    note = TextAreaField(
        _l("Note for the groups (optional)"), validators=[Optional(), Length(max=500)]
    )
    # The cart this page showed: its id and version (see shop.cart.session).
    cart_id = HiddenField()
    cart_version = HiddenField()
    quoted = HiddenField()
