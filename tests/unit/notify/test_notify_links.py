"""Links in emails: absolute, from PUBLIC_URL, with or without a request."""

from __future__ import annotations

import pytest
from flask import Flask

from shop.core.templating import absolute_url


@pytest.fixture
def stub_app() -> Flask:
    app = Flask("stub")
    app.add_url_rule("/lacak/<number>/<token>", "orders.track", lambda number, token: "")
    return app


def test_public_url_is_used_outside_a_request(stub_app):
    stub_app.config["PUBLIC_URL"] = "https://etalase.example.id/"
    with stub_app.app_context():
        assert absolute_url("orders.track", number="ET-1", token="abc") == (
            "https://etalase.example.id/lacak/ET-1/abc"
        )


def test_public_url_wins_over_the_request_host(stub_app):
    stub_app.config["PUBLIC_URL"] = "https://etalase.example.id"
    with stub_app.test_request_context(base_url="http://10.0.0.5:5000"):
        assert absolute_url("orders.track", number="ET-1", token="abc") == (
            "https://etalase.example.id/lacak/ET-1/abc"
        )


def test_without_public_url_the_request_host_is_used(stub_app):
    with stub_app.test_request_context(base_url="http://localhost:5000"):
        assert absolute_url("orders.track", number="ET-1", token="a b") == (
            "http://localhost:5000/lacak/ET-1/a%20b"
        )


def test_without_public_url_or_request_a_path_is_better_than_nothing(stub_app):
    with stub_app.app_context():
        assert absolute_url("orders.track", number="ET-1", token="abc") == "/lacak/ET-1/abc"
