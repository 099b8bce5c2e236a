"""Curation's forms: featuring a group, an exhibition's details, the group
to add to it, and the search for products to add."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from shop.core.filters import FilterForm, TextFilter
from shop.curation.exhibition_services import ExhibitionDetails
from shop.i18n.forms import BaseForm
from shop.media.forms import PhotoField


class FeatureForm(BaseForm):
    group = SelectField(_l("Group"), coerce=int, validate_choice=False)
    starts_on = DateField(_l("First day on the home page"), validators=[InputRequired()])
    ends_on = DateField(
        _l("Last day on the home page"),
        validators=[Optional()],
        description=_l("Leave empty to keep the group featured until you remove it."),
    )


class FeatureDatesForm(BaseForm):
    starts_on = FeatureForm.starts_on
    ends_on = FeatureForm.ends_on


class ExhibitionForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=5000)],
        description=_l("What the exhibition is about. Line breaks are kept."),
    )
    banner = PhotoField(_l("Banner image"))
    banner_alt = StringField(
        _l("What the banner shows"),
        validators=[Optional(), Length(max=200)],
        description=_l(
            "For people who cannot see the picture, e.g. “Abon and kerupuk lele on a table”."
        ),
    )
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date cannot be before the start date."))

    def details(self) -> ExhibitionDetails:
        return ExhibitionDetails(
            title=self.title.data or "",
            description=self.description.data or "",
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            banner_alt=self.banner_alt.data or "",
        )


class GroupChoiceForm(BaseForm):
    group = SelectField(_l("Group"), coerce=int, validate_choice=False)


class CandidateSearchForm(FilterForm):
    """The search for products to add to an exhibition."""

    cari = TextFilter(_l("Product or group name"), max_length=100)
