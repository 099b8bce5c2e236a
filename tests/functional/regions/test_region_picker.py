"""The region picker: validation of the three levels and the no-JS refresh."""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from flask import render_template_string
from wtforms import StringField, SubmitField

from shop.extensions import db
from shop.i18n.forms import BaseForm
from shop.regions import queries
from shop.regions.fields import RegionMixin, region_refresh_requested
from shop.regions.models import District, Province, Regency

REFRESH = "Show regencies/districts"
PICKER = '{% from "_macros/region_picker.html" import region_picker %}{{ region_picker(form) }}'


class PickerForm(RegionMixin, BaseForm):
    class Meta:
        csrf = False

    name = StringField("Name")
    submit = SubmitField("Save")


class DistrictRequiredForm(PickerForm):
    region_district_required = True


# The messages are checked in their English source text.
ENGLISH = {"Cookie": "lang=en"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    queries.clear_region_cache()
    yield
    queries.clear_region_cache()


@contextmanager
def posted(app, form_class=PickerForm, **data):
    with app.test_request_context("/", method="POST", data=data, headers=ENGLISH):
        yield form_class()


def codes(field) -> list[str]:
    return [choice.value for choice in field.choices if choice.value]


def test_a_consistent_region_is_valid(app):
    with posted(app, province="15", regency="15.05", district="15.05.01") as form:
        assert form.validate(), form.errors
        assert (form.province.data, form.regency.data, form.district.data) == (
            "15",
            "15.05",
            "15.05.01",
        )


def test_the_district_is_optional_by_default(app):
    with posted(app, province="15", regency="15.71", district="") as form:
        assert form.validate(), form.errors
        assert form.district.data is None


def test_a_regency_outside_the_province_is_refused(app):
    with posted(app, province="15", regency="16.01", district="") as form:
        assert not form.validate()
        assert form.errors == {"regency": ["Choose a regency/city in the chosen province."]}


def test_a_stale_district_after_the_regency_changed_is_refused(app):
    with posted(app, province="15", regency="15.05", district="15.01.01") as form:
        assert not form.validate()
        assert form.errors == {"district": ["Choose a district in the chosen regency/city."]}
        assert "15.01.01" not in codes(form.district)


def test_lower_levels_left_from_another_province_give_one_message(app):
    with posted(app, province="16", regency="15.05", district="15.05.01") as form:
        assert not form.validate()
        assert form.errors == {"regency": ["Choose a regency/city in the chosen province."]}
        assert codes(form.regency)[0].startswith("16.")
        assert codes(form.district) == []
        html = render_template_string(PICKER, form=form)
        assert 'value="15.05"' not in html


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {"province": ["Choose a province."]}),
        (
            {"province": "99", "regency": "99.01"},
            {"province": ["Choose a province from the list."]},
        ),
        ({"province": "15", "regency": ""}, {"regency": ["Choose a regency/city."]}),
    ],
)
def test_missing_or_unknown_levels(app, data, errors):
    with posted(app, **data) as form:
        assert not form.validate()
        assert form.errors == errors


def test_a_form_may_require_the_district(app):
    with posted(app, DistrictRequiredForm, province="15", regency="15.05") as form:
        assert form.district.flags.required
        assert not form.validate()
        assert form.errors == {"district": ["Choose a district."]}
    with posted(app, province="15", regency="15.05") as form:
        assert not form.district.flags.required


def test_refresh_fills_the_next_level_without_errors(app):
    with posted(app, province="15", regency="", name="Lele Makmur", region_refresh=REFRESH) as form:
        assert region_refresh_requested(form)
        assert form.errors == {}
        assert "15.71" in codes(form.regency)
        assert codes(form.district) == []
        assert form.name.data == "Lele Makmur"
        html = render_template_string(PICKER, form=form)
        assert "Nothing has been saved yet." in html
        assert "aria-invalid" not in html
        assert '<option value="15.71">Kota Jambi</option>' in html


def test_refresh_after_the_regency_lists_its_districts(app):
    with posted(app, province="15", regency="15.05", region_refresh=REFRESH) as form:
        assert region_refresh_requested(form)
        assert "15.05.01" in codes(form.district)


def test_refresh_with_every_level_chosen_counts_as_a_normal_submit(app):
    data = {"province": "15", "regency": "15.05", "district": "15.05.01", "region_refresh": REFRESH}
    with posted(app, **data) as form:
        assert not region_refresh_requested(form)
        assert form.validate()


def test_an_ordinary_submit_or_a_get_is_no_refresh(app):
    with posted(app, province="15") as form:
        assert not region_refresh_requested(form)
    with app.test_request_context("/", headers=ENGLISH):
        assert not region_refresh_requested(PickerForm())


def test_reads_region_objects_and_writes_codes(app):
    with app.test_request_context("/", headers=ENGLISH):
        place = SimpleNamespace(
            province=db.session.get(Province, "15"),
            regency=db.session.get(Regency, "15.05"),
            district=db.session.get(District, "15.05.01"),
        )
        form = PickerForm(obj=place)
        assert (form.province.data, form.regency.data, form.district.data) == (
            "15",
            "15.05",
            "15.05.01",
        )
        assert "15.05.01" in codes(form.district)

        target = SimpleNamespace()
        form.populate_obj(target)
        assert (target.province_code, target.regency_code, target.district_code) == (
            "15",
            "15.05",
            "15.05.01",
        )
        assert not hasattr(target, "province")
        assert not hasattr(target, "region_refresh")


def test_the_mixin_must_come_before_the_form_base():
    with pytest.raises(TypeError, match="put RegionMixin before"):

        class Backwards(BaseForm, RegionMixin):
            pass


def test_macro_renders_a_labelled_fieldset_with_hooks_for_the_script(app):
    with posted(app, province="15", regency="16.01") as form:
        form.validate()
        html = render_template_string(PICKER, form=form)

    assert '<fieldset class="region-picker" data-region-picker' in html
    assert "<legend>Region</legend>" in html
    assert 'data-children-url="/wilayah/CODE"' in html
    assert '<label for="province">Province</label>' in html
    assert '<option selected value="15">Jambi</option>' in html
    assert 'data-region-level="regency"' in html
    assert 'data-prompt="Choose a regency/city"' in html
    assert 'data-prompt-empty="Choose a province first"' in html
    assert 'aria-describedby="regency-error"' in html
    assert 'aria-invalid="true"' in html
    assert "Choose a regency/city in the chosen province." in html
    assert "formnovalidate" in html
    assert 'name="region_refresh"' in html
    assert "data-region-refresh" in html
    assert 'src="/static/js/region-picker.js?v=' in html
    assert "Nothing has been saved yet." not in html
