from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField
from wtforms.validators import DataRequired, NumberRange

from shop.i18n.forms import BaseForm


class AddToCartForm(BaseForm):
    """On the product page. CSRF is checked by the view (see cart.views)."""

    class Meta:
        csrf = False

    variant = SelectField(_l("Variant"), coerce=int, validate_choice=False)
    quantity = IntegerField(
        _l("Quantity"), default=1, validators=[DataRequired(), NumberRange(min=1, max=999)]
    )


class QuantityForm(BaseForm):
    variant = HiddenField()
    quantity = IntegerField(_l("Quantity"), validators=[NumberRange(min=0, max=999)])
