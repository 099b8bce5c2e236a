"""Verification's forms: the groups list's GET filters (see
shop.core.filters) and the reasons and notes of the decisions on a group."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from shop.coordinators.verification import services
from shop.core.filters import ChoiceFilter, FilterForm, TextFilter
from shop.groups.models import GroupStatus, Programme, Verification
from shop.i18n.forms import BaseForm
from shop.regions.queries import regencies_of


class GroupFilterForm(FilterForm):
    """The coordinator's groups list. The provinces offered are those of the
    coordinator's scope (`province_codes`); a regency must be in the province."""

    q = TextFilter(_l("Group name"), max_length=100)
    program = ChoiceFilter(_l("Programme"), Programme)
    provinsi = TextFilter(_l("Province"))
    kabupaten = TextFilter(_l("Regency or city"))
    verifikasi = ChoiceFilter(_l("Verification"), Verification)
    status = ChoiceFilter(_l("Status"), GroupStatus)

    def __init__(self, *args, province_codes: frozenset[str] = frozenset(), **kwargs):
        self.province_codes = province_codes
        super().__init__(*args, **kwargs)

    def validate_provinsi(self, field):
        if field.data and field.data not in self.province_codes:
            raise ValidationError(field.gettext("Not a valid choice."))

    def validate_kabupaten(self, field):
        province = "" if self.provinsi.errors else self.provinsi.data
        if field.data and field.data not in {r.code for r in regencies_of(province)}:
            raise ValidationError(field.gettext("Not a valid choice."))

    def args(self) -> dict[str, str]:
        """The filters applied, as the template's form shows them."""
        return {
            "q": self.q.data,
            "program": self.program.data.value if self.program.data else "",
            "provinsi": self.provinsi.data,
            "kabupaten": self.kabupaten.data,
            "verifikasi": self.verifikasi.data.value if self.verifikasi.data else "",
            "status": self.status.data.value if self.status.data else "",
        }


class ReasonForm(BaseForm):
    """Ask for changes, or suspend: the reason is shown to the group."""

    reason = TextAreaField(
        _l("Reason for the group"),
        validators=[
            DataRequired(message=services.REASON_REQUIRED),
            Length(max=services.REASON_MAX),
        ],
    )


class ReinstateForm(BaseForm):
    reason = TextAreaField(
        _l("Reason (optional)"),
        validators=[Optional(), Length(max=services.REASON_MAX)],
    )


class NoteForm(BaseForm):
    note = TextAreaField(
        _l("Note"),
        validators=[
            DataRequired(message=services.NOTE_REQUIRED),
            Length(max=services.REASON_MAX),
        ],
        description=_l("For coordinators only: the group does not see notes."),
    )
