"""Forms of the visit pages: the visit (with its recommendations as rows and
its photos), and a recommendation marked done.

New recommendations are a list of rows (`recommendations-<n>-`), one more
added by a button without JavaScript; each open recommendation of a visit
being edited is a row of its own (`fu-<id>-`), built by the view for the
follow-ups it shows, so a posted row for anything else is never read.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from shop.i18n.forms import BaseForm
from shop.media.forms import PhotosField, upload_name
from shop.visits.models import FollowUp, MonevVisit, Theme
from shop.visits.services import (
    FINDING_LENGTH,
    MAX_RECOMMENDATIONS,
    MET_LENGTH,
    NOTE_LENGTH,
    RECOMMENDATION_LENGTH,
    PhotoUpload,
    Recommendation,
    VisitData,
)

NEW_ROWS = 3


def _length(maximum: int) -> Length:
    """WTForms' own message, translated and filled in by BaseForm."""
    return Length(max=maximum)


class RecommendationRow(Form):
    """One recommendation: what to do and by when; a sub-form without its own
    CSRF token."""

    class Meta:
        def get_translations(self, form):
            return BaseForm.Meta.get_translations(self, form)

    text = StringField(
        _l("Recommendation"), validators=[Optional(), _length(RECOMMENDATION_LENGTH)]
    )
    due_on = DateField(_l("Follow up by"), validators=[Optional()])
    remove = BooleanField(_l("Remove this recommendation"))

    @property
    def is_blank(self) -> bool:
        return not (self.text.data or "").strip() and self.due_on.data is None

    def validate(self, extra_validators=None):
        """Both parts are needed on a row in use (a blank row is skipped)."""
        ok = super().validate(extra_validators)
        if self.is_blank or self.remove.data:
            return ok
        if not (self.text.data or "").strip() and not self.text.errors:
            self.text.errors = [*self.text.errors, _l("Write the recommendation.")]
            ok = False
        if self.due_on.data is None and not self.due_on.errors:
            self.due_on.errors = [*self.due_on.errors, _l("Give the follow-up date.")]
            ok = False
        return ok

    def to_recommendation(self, follow_up_id: int | None = None) -> Recommendation | None:
        if self.remove.data and follow_up_id is not None:
            return Recommendation("", None, id=follow_up_id, remove=True)
        if self.is_blank or self.remove.data:
            return None
        return Recommendation(self.text.data or "", self.due_on.data, id=follow_up_id)


def follow_up_row(follow_up: FollowUp, formdata=None) -> RecommendationRow:
    """The row of an open recommendation of the visit being edited."""
    prefix = f"fu-{follow_up.id}-"
    if formdata is None:
        return RecommendationRow(
            formdata=None, prefix=prefix, data={"text": follow_up.text, "due_on": follow_up.due_on}
        )
    return RecommendationRow(formdata=formdata, prefix=prefix)


def _finding(theme: Theme, hint) -> TextAreaField:
    """The findings on one theme (the form's field `finding_<theme>`)."""
    return TextAreaField(
        theme.label, validators=[Optional(), _length(FINDING_LENGTH)], description=hint
    )


class VisitForm(BaseForm):
    visited_on = DateField(
        _l("Date of the visit"), validators=[InputRequired(message=_l("Give the date."))]
    )
    met = StringField(
        _l("Who you met"),
        validators=[InputRequired(message=_l("Say who you met.")), _length(MET_LENGTH)],
        description=_l("Names and roles, e.g. “Bu Sari (ketua), Bu Tini (bendahara)”."),
    )
    finding_production = _finding(
        Theme.PRODUCTION, _l("Capacity, raw materials, hygiene, quality.")
    )
    finding_packaging = _finding(
        Theme.PACKAGING, _l("Labels, permits printed on the pack, shelf life.")
    )
    finding_marketing = _finding(
        Theme.MARKETING, _l("Where and how they sell, prices, online shop.")
    )
    finding_finance = _finding(Theme.FINANCE, _l("Bookkeeping, cash, savings, debts."))
    finding_equipment = _finding(
        Theme.EQUIPMENT, _l("The equipment from the grant: in use, in good repair?")
    )
    recommendations = FieldList(
        FormField(RecommendationRow), min_entries=NEW_ROWS, max_entries=MAX_RECOMMENDATIONS
    )
    add_recommendation = SubmitField(_l("Add another recommendation"))
    photo = PhotosField(
        _l("Add photos"),
        description=_l(
            "Several at once, at most 8 for a visit. Only the group and its coordinators see them."
        ),
    )

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not any((getattr(self, theme.column).data or "").strip() for theme in Theme):
            field = self.finding_production
            field.errors = [*field.errors, _l("Write what you found on at least one theme.")]
            ok = False
        return ok

    def request_extra_row(self) -> bool:
        """True when "Add another recommendation" was pressed: the view shows
        the form again with one more empty row and saves nothing."""
        if self.add_recommendation.data:
            if len(self.recommendations) < MAX_RECOMMENDATIONS:
                self.recommendations.append_entry()
            return True
        return False

    def load(self, visit: MonevVisit) -> None:
        self.visited_on.data = visit.visited_on
        self.met.data = visit.met
        for theme in Theme:
            getattr(self, theme.column).data = visit.finding(theme)

    def to_data(self) -> VisitData:
        return VisitData(
            visited_on=self.visited_on.data,
            met=self.met.data or "",
            findings={theme: getattr(self, theme.column).data or "" for theme in Theme},
        )

    def to_recommendations(self, rows: dict[int, RecommendationRow] | None = None):
        """The open recommendations' rows (edited or removed), then the new ones."""
        out = [row.to_recommendation(fid) for fid, row in (rows or {}).items()]
        out += [row.form.to_recommendation() for row in self.recommendations]
        return [rec for rec in out if rec is not None]

    def to_photos(self) -> list[PhotoUpload]:
        return [PhotoUpload(upload, upload_name(upload)) for upload in self.photo.data or []]


class DoneForm(BaseForm):
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Optional(), _length(NOTE_LENGTH)],
        description=_l("What you did, e.g. “Labels reprinted with the PIRT number”."),
    )
