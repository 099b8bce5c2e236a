"""The GET filter forms of the coordinator pages: the groups list, the audit
log, the product search of an exhibition and the monitoring figures (with
their exports, which read the same query string); see shop.core.filters."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from shop.audit.models import AuditAction
from shop.core.filters import ChoiceFilter, DayFilter, FilterForm, TextFilter
from shop.groups.models import GroupStatus, Programme, Verification
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


class AuditFilterForm(FilterForm):
    """The audit log's search, action and dates."""

    q = TextFilter(_l("Group, product, person or reason"), max_length=100)
    action = ChoiceFilter(_l("Action"), AuditAction)
    dari = DayFilter(_l("From"))
    sampai = DayFilter(_l("Until"))


# Monitoring: how the figures can be grouped (`per`), and the filters.
GROUPINGS = {
    "programme": _l("Programme"),
    "province": _l("Province"),
    "regency": _l("Regency/city"),
    "group": _l("Group"),
    "month": _l("Month"),
}
SEARCH_LENGTH = 100


class MonitoringFilterForm(FilterForm):
    """The monitoring page's filters, each with the note the page shows when
    it is left out. Province and regency codes are checked for their shape
    only (a code that names nothing finds nothing)."""

    per = ChoiceFilter(_l("Group by"), GROUPINGS, default="programme")
    program = ChoiceFilter(
        _l("Programme"),
        Programme,
        message=_l("That programme is unknown; all programmes are shown."),
    )
    provinsi = TextFilter(
        _l("Province"), message=_l("That province is unknown; all provinces are shown.")
    )
    kabupaten = TextFilter(
        _l("Regency/city"),
        message=_l("That regency/city is unknown; all regencies/cities are shown."),
    )
    dari = DayFilter(
        _l("From"),
        message=_l("The start date was not understood (use YYYY-MM-DD, from 2000 on)."),
    )
    sampai = DayFilter(
        _l("Until"),
        message=_l("The end date was not understood (use YYYY-MM-DD, until 2099)."),
    )
    q = TextFilter(_l("Search"), max_length=SEARCH_LENGTH, fold_spaces=True)

    def validate_provinsi(self, field):
        if field.data and not re.fullmatch(r"[0-9]{2}", field.data):
            raise ValidationError(field.message)

    def validate_kabupaten(self, field):
        if field.data and not re.fullmatch(r"[0-9]{2}\.[0-9]{2}", field.data):
            raise ValidationError(field.message)
