"""The public list of pre-order rounds taking orders, featured ones first."""

from __future__ import annotations

from flask import render_template

from shop.core.cache import public_page
from shop.rounds import queries


@public_page
def index():
    return render_template("rounds/index.html", rounds=queries.public_rounds())
