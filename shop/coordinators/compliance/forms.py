"""Compliance's forms: checking a product's certificate and hiding a product."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from shop.coordinators.compliance import services
from shop.i18n.forms import BaseForm


class CertificateForm(BaseForm):
    """Mark one of the product's numbers as checked; one per kind on the page
    (the kind is the form's prefix, so the fields' ids differ)."""

    expires_on = DateField(
        _l("Valid until (optional)"),
        validators=[Optional()],
        description=_l("Leave it empty if the certificate has no expiry date."),
    )


class HideForm(BaseForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Give the reason: the group reads it to know what to fix.")),
            Length(max=services.REASON_MAX),
        ],
        description=_l(
            "The group sees this. Say what is wrong and what to change, "
            "e.g. “The photo shows another product”."
        ),
    )
