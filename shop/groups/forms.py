from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from shop.core.filters import ChoiceFilter, FilterForm
from shop.groups.models import AlertChannel, AlertKind, Programme
from shop.groups.services import PROFILE_FIELDS, GroupProfile
from shop.i18n.fields import PhoneField, WholeNumberField
from shop.i18n.forms import BaseForm
from shop.media.forms import PhotoField
from shop.regions.fields import RegionMixin
from shop.regions.queries import province_codes


def programme_choices():
    return Programme.choices(_l("Choose a programme"))


class GroupForm(RegionMixin, BaseForm):
    """The group profile; the same form creates a group and edits it."""

    name = StringField(_l("Group name"), validators=[DataRequired(), Length(min=3, max=120)])
    programme = SelectField(_l("Programme"), validators=[DataRequired()])
    story = TextAreaField(
        _l("Your story"),
        validators=[Optional(), Length(max=3000)],
        description=_l("Who you are, what you make and how. Buyers read this."),
    )
    founded_year = WholeNumberField(
        _l("Founding year"),
        validators=[Optional(), NumberRange(min=1900, max=date.today().year)],
    )
    member_count = WholeNumberField(
        _l("Number of members"), validators=[Optional(), NumberRange(min=1, max=1000)]
    )
    whatsapp = PhoneField(_l("WhatsApp number for buyers"), validators=[Optional()])
    pickup_address = TextAreaField(_l("Pickup address"), validators=[Optional(), Length(max=500)])
    logo = PhotoField(_l("Logo"))
    cover = PhotoField(_l("Cover photo"))
    accepts_transfer = BooleanField(_l("Bank transfer"))
    accepts_cash = BooleanField(_l("Cash on delivery / pay at pickup"))
    accepts_card = BooleanField(_l("Card (when the site offers card payments)"))
    accepts_qris = BooleanField(_l("QRIS"))
    offers_pickup = BooleanField(_l("Pickup at our address"))
    offers_local_delivery = BooleanField(_l("We deliver locally"))
    offers_courier = BooleanField(_l("Courier (we confirm the fee before payment)"))
    whatsapp_orders = BooleanField(
        _l("Also send us each order on WhatsApp"),
        description=_l(
            "After ordering, the buyer gets a button that opens WhatsApp with the order "
            "filled in, to send to the number above. The order is in your inbox either way."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme.choices = programme_choices()

    REGION_FIELDS = {
        "province_code": "province",
        "regency_code": "regency",
        "district_code": "district",
    }

    def to_profile(self) -> GroupProfile:
        values = {
            name: getattr(self, self.REGION_FIELDS.get(name, name)).data for name in PROFILE_FIELDS
        }
        values["story"] = values["story"] or ""
        values["pickup_address"] = values["pickup_address"] or ""
        return GroupProfile(**values)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not (
            self.accepts_transfer.data
            or self.accepts_cash.data
            or self.accepts_card.data
            or self.accepts_qris.data
        ):
            self.accepts_transfer.errors = [
                *self.accepts_transfer.errors,
                _l("Choose at least one way to be paid."),
            ]
            ok = False
        if not (
            self.offers_pickup.data or self.offers_local_delivery.data or self.offers_courier.data
        ):
            self.offers_pickup.errors = [
                *self.offers_pickup.errors,
                _l("Choose at least one way to hand over orders."),
            ]
            ok = False
        return ok


class BankAccountForm(BaseForm):
    bank_name = StringField(
        _l("Bank"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("e.g. BRI, BNI, Bank Mandiri, BSI, Bank Jambi"),
    )
    account_number = StringField(
        _l("Account number"),
        validators=[
            DataRequired(),
            Regexp(
                r"^[0-9][0-9 .-]{4,32}$", message=_l("Use digits only, e.g. 1234-01-000123-50-1.")
            ),
        ],
    )
    account_holder = StringField(
        _l("Account holder name"), validators=[DataRequired(), Length(max=120)]
    )
    submit = SubmitField(_l("Add account"))


class QrisForm(BaseForm):
    """The group's static QRIS: a photo of its sticker, or the text of its
    code (what a bank or e-wallet app's "share QRIS" gives)."""

    photo = PhotoField(
        _l("Photo of your QRIS sticker"),
        description=_l("Take it straight on, close enough that the code fills a good part of it."),
    )
    payload = TextAreaField(
        _l("Or paste the text of your QRIS"),
        description=_l("It starts with 000201. Your bank or e-wallet app can copy it for you."),
    )
    submit = SubmitField(_l("Check my QRIS"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and not self.photo.data and not (self.payload.data or "").strip():
            self.form_errors.append(
                _l("Choose a photo of your QRIS sticker, or paste the text of your QRIS.")
            )
            return False
        return ok


class QrisConfirmForm(BaseForm):
    """The checked payload, sent back when the ketua confirms the merchant."""

    payload = HiddenField()
    submit = SubmitField(_l("Yes, save this QRIS"))


class ConfirmForm(BaseForm):
    """A POST with nothing but the CSRF token: remove, revoke, join, leave."""


class DirectoryFilterForm(FilterForm):
    """The public group directory's filters (a GET form)."""

    program = ChoiceFilter(_l("Programme"), Programme)
    provinsi = ChoiceFilter(_l("Province"), province_codes)


class AlertChoicesForm(BaseForm):
    """Which order alerts a member gets on WhatsApp and as notifications on
    their phones (one box per kind and channel)."""

    whatsapp_new_order = BooleanField(_l("New order"))
    whatsapp_proof_sent = BooleanField(_l("Payment proof sent"))
    whatsapp_paid = BooleanField(_l("Payment recorded"))
    whatsapp_cancelled = BooleanField(_l("Order cancelled"))
    push_new_order = BooleanField(_l("New order"))
    push_proof_sent = BooleanField(_l("Payment proof sent"))
    push_paid = BooleanField(_l("Payment recorded"))
    push_cancelled = BooleanField(_l("Order cancelled"))
    submit = SubmitField(_l("Save my choices"))

    def fill(self, channel: AlertChannel, kinds: frozenset[AlertKind]) -> None:
        for kind in AlertKind:
            getattr(self, f"{channel.value}_{kind.value}").data = kind in kinds

    def chosen(self, channel: AlertChannel) -> list[AlertKind]:
        return [kind for kind in AlertKind if getattr(self, f"{channel.value}_{kind.value}").data]
