"""Short codes are given by the services that create groups and products."""

from __future__ import annotations

from shop.catalogue.services import ProductData, VariantData, create_product
from shop.core import short_codes as codes
from shop.groups.services import GroupProfile, create_group
from tests.factories import GroupFactory, ProductFactory, UserFactory


def _profile(name="Kelompok Kode Pendek"):
    return GroupProfile(
        name=name, programme="uppka", province_code="15", regency_code="15.05", district_code=None
    )


def test_create_group_and_create_product_give_codes(app_ctx):
    group = create_group(UserFactory(), _profile())
    product = create_product(
        group, ProductData(name="Abon Lele", category="makanan"), [VariantData("100 g", 25000)]
    )
    assert len(group.short_code) == codes.GROUP_CODE_LENGTH
    assert len(product.short_code) == codes.PRODUCT_CODE_LENGTH
    assert codes.normalise(group.short_code) == group.short_code
    assert codes.normalise(product.short_code) == product.short_code


def test_a_taken_code_is_drawn_again(app_ctx, monkeypatch):
    taken_group = GroupFactory().short_code
    taken_product = ProductFactory().short_code
    draws = iter([taken_group, taken_group, "ABCDE", taken_product, "ABCDEF"])
    monkeypatch.setattr(codes, "random_code", lambda length: next(draws))
    group = create_group(UserFactory(), _profile())
    product = create_product(
        group, ProductData(name="Kerupuk", category="makanan"), [VariantData("1 pak", 10000)]
    )
    assert (group.short_code, product.short_code) == ("ABCDE", "ABCDEF")


def test_running_out_of_tries_is_an_error_not_a_duplicate(app_ctx):
    import pytest

    with pytest.raises(RuntimeError):
        codes.unique_code(5, lambda code: True)


def test_normalise():
    assert codes.normalise(" mns-7k ") == "MNS7K"
    assert codes.normalise("abc def") == "ABCDEF"
    assert codes.normalise("MNS7") is None
    assert codes.normalise("MNS0K") is None  # 0 is not in the alphabet
    assert codes.spoken("ABCDEF") == "ABC-DEF" and codes.spoken("ABCDE") == "ABCDE"
