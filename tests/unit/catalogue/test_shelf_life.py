"""A shelf life is kept in days and shown back in the unit it was given in,
in words, in either language."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from shop.catalogue.forms import ProductForm
from shop.catalogue.models import Product, ShelfLifeUnit


@pytest.mark.parametrize(
    ("days", "unit", "shown", "words_id", "words_en"),
    [
        (14, ShelfLifeUnit.WEEK, (2, ShelfLifeUnit.WEEK), "2 minggu", "2 weeks"),
        (7, ShelfLifeUnit.WEEK, (1, ShelfLifeUnit.WEEK), "1 minggu", "1 week"),
        (90, ShelfLifeUnit.MONTH, (3, ShelfLifeUnit.MONTH), "3 bulan", "3 months"),
        (14, ShelfLifeUnit.DAY, (14, ShelfLifeUnit.DAY), "14 hari", "14 days"),
        # Saved before units existed: days, as before.
        (90, None, (90, ShelfLifeUnit.DAY), "90 hari", "90 days"),
        # Days that do not divide into the unit are shown as days.
        (10, ShelfLifeUnit.WEEK, (10, ShelfLifeUnit.DAY), "10 hari", "10 days"),
    ],
)
def test_shown_in_the_unit_it_was_given_in(app, days, unit, shown, words_id, words_en):
    product = Product(shelf_life_days=days, shelf_life_unit=unit)
    assert product.shelf_life_as_entered == shown
    with force_locale("id"):
        assert product.shelf_life_text() == words_id
    with force_locale("en"):
        assert product.shelf_life_text() == words_en


def test_no_shelf_life_says_nothing(app):
    assert Product(shelf_life_days=None).shelf_life_text() == ""
    assert Product(shelf_life_days=None).shelf_life_as_entered is None


@pytest.mark.parametrize(
    ("typed", "unit", "days"),
    [("2", "minggu", 14), ("6", "bulan", 180), ("45", "hari", 45), ("", "bulan", None)],
)
def test_the_form_turns_the_number_and_unit_into_days(app, typed, unit, days):
    with app.test_request_context(
        method="POST", data={"shelf_life": typed, "shelf_life_unit": unit}
    ):
        form = ProductForm(meta={"csrf": False})
        assert form.shelf_life_days() == days
        assert form.to_data().shelf_life_days == days
        assert form.to_data().shelf_life_unit == unit


@pytest.mark.parametrize(("months", "refused"), [("121", False), ("122", True)])
def test_the_form_refuses_more_than_ten_years(app, months, refused):
    with app.test_request_context(
        method="POST", data={"shelf_life": months, "shelf_life_unit": "bulan"}
    ):
        form = ProductForm(meta={"csrf": False})
        form.validate()
        assert bool(form.shelf_life.errors) is refused
