"""The GET filter forms of the monitoring pages: the audit log and the
figures (with their exports, which read the same query string); see
shop.core.filters."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from shop.audit.models import AuditAction
from shop.core.filters import ChoiceFilter, DayFilter, FilterForm, NumberFilter, TextFilter
from shop.groups.models import Programme


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
    "funding_year": _l("Funding year"),
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
    tahun = NumberFilter(
        _l("Funding year"),
        max_digits=4,
        message=_l("That funding year was not understood; groups of every year are shown."),
    )

    def validate_provinsi(self, field):
        if field.data and not re.fullmatch(r"[0-9]{2}", field.data):
            raise ValidationError(field.message)

    def validate_tahun(self, field):
        if field.data is not None and not 2000 <= field.data <= 2099:
            raise ValidationError(field.message)

    def validate_kabupaten(self, field):
        if field.data and not re.fullmatch(r"[0-9]{2}\.[0-9]{2}", field.data):
            raise ValidationError(field.message)
