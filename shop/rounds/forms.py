"""The form a group opens a round with: its words and dates, and a capacity
field for each variant it can offer (empty: not in the round)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import NumberInput

from shop.catalogue.models import Variant
from shop.i18n.forms import BaseForm
from shop.rounds.services import MAX_CAPACITY, RoundDetails


class RoundForm(BaseForm):
    title = StringField(
        _l("Name of the round"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("What buyers see, e.g. “Kue Lebaran 2027”."),
    )
    description = TextAreaField(_l("About the round"), validators=[Optional(), Length(max=2000)])
    last_order_day = DateField(
        _l("Last day to order"),
        validators=[InputRequired()],
        description=_l("Orders are taken until 23.59 WIB that day, or until a product is full."),
    )
    ready_on = DateField(_l("Ready on (pickup or delivery day)"), validators=[InputRequired()])
    handover = StringField(
        _l("Pickup or delivery"),
        validators=[Optional(), Length(max=300)],
        description=_l("Where and how buyers get their goods, e.g. “Ambil di rumah Bu Ani”."),
    )

    def details(self) -> RoundDetails:
        return RoundDetails(
            title=self.title.data or "",
            description=self.description.data or "",
            last_order_day=self.last_order_day.data,
            ready_on=self.ready_on.data,
            handover=self.handover.data or "",
        )

    def capacities(self) -> dict[int, int]:
        """variant id -> capacity, for the fields that were filled in."""
        return {v.id: f.data for v, f in self.capacity_rows if f.data is not None}


def capacity_label(variant: Variant, one_of_many: bool) -> str:
    name = variant.product.name
    return f"{name} · {variant.label}" if one_of_many else name


def round_form(variants: list[Variant]) -> RoundForm:
    """A RoundForm with one capacity field per variant (`cap_<id>`)."""

    class Form(RoundForm):
        pass

    many = {}
    for v in variants:
        many[v.product_id] = many.get(v.product_id, 0) + 1
    for v in variants:
        setattr(
            Form,
            f"cap_{v.id}",
            IntegerField(
                capacity_label(v, many[v.product_id] > 1),
                validators=[Optional(), NumberRange(min=1, max=MAX_CAPACITY)],
                widget=NumberInput(min=1, max=MAX_CAPACITY),
                render_kw={"inputmode": "numeric"},
            ),
        )
    form = Form()
    form.capacity_rows = [(v, form[f"cap_{v.id}"]) for v in variants]
    return form
