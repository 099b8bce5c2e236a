"""GET /wilayah/<code>: the children of a province or regency, as JSON."""

from __future__ import annotations

import pytest


def test_regencies_of_a_province(client):
    response = client.get("/wilayah/15")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    regencies = response.get_json()
    assert len(regencies) == 11
    assert {"code": "15.71", "name": "Kota Jambi"} in regencies
    names = [r["name"].casefold() for r in regencies]
    assert names == sorted(names)


def test_districts_of_a_regency(client):
    districts = client.get("/wilayah/15.05").get_json()

    assert {"code": "15.05.01", "name": "Jambi Luar Kota"} in districts
    assert all(d["code"].startswith("15.05.") for d in districts)


def test_lists_may_be_cached_by_anyone_for_a_day(client):
    response = client.get("/wilayah/15")

    assert response.cache_control.public
    assert response.cache_control.max_age == 86400
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("code", ["99", "15.99", "15.05.01", "1", "15.5", "abc", "15.05.01.01"])
def test_unknown_or_childless_codes_are_not_found(client, code):
    response = client.get(f"/wilayah/{code}")

    assert response.status_code == 404
    assert response.get_json() == {"error": "unknown region code"}
    assert not response.cache_control.public
