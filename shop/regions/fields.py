"""The province → regency/city → district picker any form can include.

It works without JavaScript: the person picks a province and presses
"Show regencies/districts"; the view sees `region_refresh_requested(form)` and
renders the same form again, nothing saved, with the next list filled in.
`static/js/region-picker.js` fills the lists in place instead when it can.

    class GroupForm(RegionMixin, BaseForm):    # the mixin first
        region_district_required = False       # the default

    form = GroupForm(obj=group)
    if region_refresh_requested(form):
        return render_template("groups/manage/profile.html", form=form)
    if form.validate_on_submit():
        ...

Field data are codes ("15", "15.05", "15.05.01") or None. `Form(obj=group)`
reads `group.province` (a Province) as its code, and `populate_obj(group)`
writes `group.province_code`, `group.regency_code` and `group.district_code`.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, SelectChoice, SelectField, SubmitField
from wtforms.validators import StopValidation

from shop.regions import queries
from shop.regions.queries import Region

# The first option of each list: (when the list has entries, when it is empty).
PROMPTS = {
    "province": (_l("Choose a province"), _l("Choose a province")),
    "regency": (_l("Choose a regency/city"), _l("Choose a province first")),
    "district": (_l("Choose a district"), _l("Choose a regency/city first")),
}


def region_code(value: object) -> str | None:
    """A submitted value or a region object as its code; "" and None as None."""
    if value is None or value == "":
        return None
    return str(getattr(value, "code", value))


class RegionSelectField(SelectField):
    """A select of region codes whose choices the form fills in."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("choices", [])
        super().__init__(label, validators, coerce=region_code, validate_choice=False, **kwargs)

    def populate_obj(self, obj: object, name: str) -> None:
        # `province` on a model is the relationship; the column is `province_code`.
        setattr(obj, f"{name}_code", self.data)


class RegionRefreshField(SubmitField):
    """The no-JS "Show regencies/districts" button; never written to a model."""

    def populate_obj(self, obj: object, name: str) -> None:
        return None


def _province_valid(form: Any, field: RegionSelectField) -> None:
    if not field.data:
        raise StopValidation(_l("Choose a province."))
    if not _contains(queries.provinces(), field.data):
        raise StopValidation(_l("Choose a province from the list."))


def _regency_valid(form: Any, field: RegionSelectField) -> None:
    if not _contains(queries.provinces(), form.province.data):
        raise StopValidation()
    if not field.data:
        raise StopValidation(_l("Choose a regency/city."))
    if not _contains(queries.regencies_of(form.province.data), field.data):
        raise StopValidation(_l("Choose a regency/city in the chosen province."))


def _district_valid(form: Any, field: RegionSelectField) -> None:
    if not form.region_regency_valid():
        raise StopValidation()
    if not field.data:
        if form.region_district_required:
            raise StopValidation(_l("Choose a district."))
        raise StopValidation()
    if not _contains(queries.districts_of(form.regency.data), field.data):
        raise StopValidation(_l("Choose a district in the chosen regency/city."))


def _contains(regions: tuple[Region, ...], code: str | None) -> bool:
    return code is not None and any(region.code == code for region in regions)


def _choices(level: str, regions: tuple[Region, ...]) -> list[SelectChoice]:
    prompt = PROMPTS[level][0 if regions else 1]
    return [SelectChoice("", prompt), *(SelectChoice(r.code, r.name) for r in regions)]


class RegionMixin:
    """Adds `province`, `regency`, `district` and `region_refresh` to a FlaskForm.

    A regency must lie in the chosen province and a district in the chosen
    regency; a level left over from an earlier choice gets a message, never an
    exception. The district is optional unless `region_district_required`.
    """

    region_district_required: ClassVar[bool] = False

    province = RegionSelectField(_l("Province"), validators=[_province_valid])
    regency = RegionSelectField(_l("Regency/city"), validators=[_regency_valid])
    district = RegionSelectField(_l("District"), validators=[_district_valid])
    region_refresh = RegionRefreshField(_l("Show regencies/districts"))

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Form.__init__ does not call super(): a mixin after it would never run.
        if issubclass(cls, Form) and cls.__mro__.index(Form) < cls.__mro__.index(RegionMixin):
            raise TypeError(f"{cls.__name__}: put RegionMixin before the form base class")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.province.flags.required = True
        self.regency.flags.required = True
        self.district.flags.required = self.region_district_required
        # Hooks for region-picker.js: the level, and the prompts it shows.
        for level, (prompt, prompt_empty) in PROMPTS.items():
            getattr(self, level).render_kw = {
                "data-region-level": level,
                "data-prompt": str(prompt),
                "data-prompt-empty": str(prompt_empty),
            }
        self.fill_region_choices()

    def fill_region_choices(self) -> None:
        """Fill each list from the level above it; call again after setting data."""
        regencies = queries.regencies_of(self.province.data) if self.province.data else ()
        districts = queries.districts_of(self.regency.data) if self.region_regency_valid() else ()
        self.province.choices = _choices("province", queries.provinces())
        self.regency.choices = _choices("regency", regencies)
        self.district.choices = _choices("district", districts)

    def region_regency_valid(self) -> bool:
        """The province is known and the regency lies in it."""
        province = self.province.data
        return bool(province) and _contains(queries.regencies_of(province), self.regency.data)

    def region_complete(self) -> bool:
        """Every level is chosen and each lies in the one above it."""
        return self.region_regency_valid() and _contains(
            queries.districts_of(self.regency.data), self.district.data
        )


class _RegionForm(Protocol):
    region_refresh: Field

    def is_submitted(self) -> bool: ...

    def region_complete(self) -> bool: ...


def region_refresh_requested(form: _RegionForm) -> bool:
    """True when the view should re-render the form instead of validating it.

    That is when the refresh button sent the form and a level is still to be
    chosen. With every level chosen there is nothing to show, so the press
    counts as a normal submit: pressing Enter in any text box "clicks" the
    form's first submit button, and that may be this one.
    """
    return form.is_submitted() and bool(form.region_refresh.data) and not form.region_complete()
