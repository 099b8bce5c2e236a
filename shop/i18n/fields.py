"""Form fields shared by the domains, with translated messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField
from wtforms.validators import StopValidation

from shop.i18n.phone import normalise


class PhoneField(StringField):
    """A phone/WhatsApp number; `data` becomes E.164 (+62…) or the field errors."""

    def __init__(self, *args, mobile_only: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.mobile_only = mobile_only

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.raw = self.data

    def _value(self):
        """Shown back as the person typed it (after an error elsewhere), or as
        a local number (0812-3456-7890) when it comes from the database."""
        if getattr(self, "raw", None):
            return self.raw
        from shop.i18n.formatting import phone_display

        return phone_display(self.data) if self.data else ""

    def post_validate(self, form, validation_stopped):
        if validation_stopped or not self.data:
            return
        number = normalise(self.data, mobile_only=self.mobile_only)
        if number is None:
            self.errors.append(
                _l("Enter a valid mobile/WhatsApp number, e.g. 0812-3456-7890.")
                if self.mobile_only
                else _l("Enter a valid phone number, e.g. 0812-3456-7890.")
            )
        else:
            self.data = number


class WholeNumberField(IntegerField):
    """An integer that accepts "25.000" or "25,000" or "Rp 25.000" as typed on a phone.

    Text that is no number gets one message, not a second one from the range
    check and a third from the form's own rule.
    """

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()

    def process_formdata(self, valuelist):
        if valuelist:
            raw = str(valuelist[0]).strip()
            cleaned = raw.lower().removeprefix("rp").strip().replace(".", "").replace(",", "")
            cleaned = cleaned.replace(" ", "")
            valuelist = [cleaned] if cleaned else [""]
        if valuelist and valuelist[0] == "":
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value.")) from None
        if self.data is not None and abs(self.data) > 10**12:
            self.data = None
            raise ValueError(_l("This number is too large."))
