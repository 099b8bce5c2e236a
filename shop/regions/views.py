"""Region lists as JSON, for the region picker's script."""

from __future__ import annotations

import re

from flask import Response, jsonify

from shop.regions import queries

# A province ("15") or a regency ("15.05"): the codes that have children here.
PARENT_CODE = re.compile(r"\d{2}(\.\d{2})?")
CACHE_SECONDS = 86400


def children(code: str) -> tuple[Response, int] | Response:
    """The regencies of a province or the districts of a regency, by name.

    The lists change only with a data update, so browsers and proxies may keep
    them for a day; the response reads no session and sets no cookie.
    """
    chain = queries.get_region_chain(code) if PARENT_CODE.fullmatch(code) else None
    if chain is None:
        return jsonify(error="unknown region code"), 404
    regions = queries.regencies_of(code) if chain.regency is None else queries.districts_of(code)
    response = jsonify([{"code": region.code, "name": region.name} for region in regions])
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    return response
