"""The region lists: the vendored data is all there, sorted and cached."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shop.extensions import db
from shop.regions import queries
from shop.regions.models import District, Province, Regency
from shop.regions.queries import Region


@pytest.fixture(autouse=True)
def _fresh_cache(app_ctx):
    queries.clear_region_cache()
    yield
    queries.clear_region_cache()


def test_tables_hold_the_vendored_counts():
    counts = [
        db.session.scalar(select(func.count()).select_from(m))
        for m in (Province, Regency, District)
    ]
    assert counts == [38, 514, 7285]


def test_every_region_is_reachable_through_the_lists():
    provinces = queries.provinces()
    regencies = [r for p in provinces for r in queries.regencies_of(p.code)]
    districts = [d for r in regencies for d in queries.districts_of(r.code)]
    assert (len(provinces), len(regencies), len(districts)) == (38, 514, 7285)


def test_known_provinces_including_the_2022_papua_provinces():
    provinces = queries.provinces()
    assert Region("15", "Jambi") in provinces
    names = {p.name for p in provinces}
    assert {
        "Papua",
        "Papua Selatan",
        "Papua Tengah",
        "Papua Pegunungan",
        "Papua Barat Daya",
    } <= names


def test_lists_are_sorted_by_name():
    for regions in (queries.provinces(), queries.regencies_of("15"), queries.districts_of("15.05")):
        names = [r.name.casefold() for r in regions]
        assert names == sorted(names)


def test_children_of_jambi():
    regencies = queries.regencies_of("15")
    assert len(regencies) == 11
    assert Region("15.05", "Kabupaten Muaro Jambi") in regencies
    assert Region("15.71", "Kota Jambi") in regencies
    assert sum(len(queries.districts_of(r.code)) for r in regencies) == 144
    assert Region("15.05.01", "Jambi Luar Kota") in queries.districts_of("15.05")


def test_unknown_codes_have_no_children():
    assert queries.regencies_of("99") == ()
    assert queries.districts_of("15.99") == ()


def test_region_chain_from_a_district_regency_or_province():
    chain = queries.get_region_chain("15.05.01")
    assert chain.province == Region("15", "Jambi")
    assert chain.regency == Region("15.05", "Kabupaten Muaro Jambi")
    assert chain.district == Region("15.05.01", "Jambi Luar Kota")
    assert chain.label == "Jambi Luar Kota, Kabupaten Muaro Jambi, Jambi"

    chain = queries.get_region_chain("15.71")
    assert (chain.regency.name, chain.district) == ("Kota Jambi", None)
    assert chain.label == "Kota Jambi, Jambi"
    assert queries.get_region_chain("15").label == "Jambi"


@pytest.mark.parametrize("code", ["99", "15.99", "15.05.99", "15.05.01.01", "", "abc"])
def test_unknown_code_has_no_chain(code):
    assert queries.get_region_chain(code) is None


def test_lists_are_read_once_then_cached(count_queries):
    with count_queries() as first:
        queries.provinces()
        queries.regencies_of("15")
        queries.districts_of("15.05")
        queries.get_region_chain("15.05.01")
    with count_queries() as again:
        queries.provinces()
        queries.regencies_of("15")
        queries.districts_of("15.05")
        queries.get_region_chain("15.05.01")
    assert (first.count, again.count) == (4, 0)


def test_cache_expires_after_its_maximum_age(count_queries, monkeypatch):
    queries.provinces()
    monkeypatch.setattr(queries, "MAX_AGE_SECONDS", -1.0)
    with count_queries() as q:
        queries.provinces()
    assert q.count == 1
