"""Bulk requests: the limits lifted, pages in English, and groups in Jambi
that declared what cakes they can make a week, each with a ketua."""

from __future__ import annotations

import pytest

from shop.catalogue.models import Category
from shop.extensions import limiter
from tests.factories import GroupCapacityFactory, GroupFactory, MembershipFactory, UserFactory
from tests.functional.bulk.bulk_support import last_code, request_form


@pytest.fixture(autouse=True)
def _english_and_no_limits(app, client):
    with app.app_context():
        limiter.reset()
    client.set_cookie("lang", "en")
    yield
    with app.app_context():
        limiter.reset()


@pytest.fixture
def fitting_group():
    """A group in Jambi (province 15) that makes 200 cake boxes a week, with
    a ketua who has an email."""
    group = GroupFactory(name="Kelompok Kue Melati", slug="kue-melati")
    GroupCapacityFactory(group=group, category=Category.CAKES, weekly_quantity=200)
    MembershipFactory(group=group, user=UserFactory(email="ketua@melati.example"))
    return group


@pytest.fixture
def second_group():
    group = GroupFactory(name="Kelompok Kue Mawar", slug="kue-mawar")
    GroupCapacityFactory(group=group, category=Category.CAKES, weekly_quantity=150)
    MembershipFactory(group=group, user=UserFactory(email="ketua@mawar.example"))
    return group


@pytest.fixture
def post_and_confirm(client):
    """Post a request through the form and confirm it with the emailed code;
    returns the request's private path."""

    def _post(**overrides):
        response = client.post("/borongan/baru", data=request_form(**overrides))
        assert response.status_code == 303, response.get_data(as_text=True)
        path = response.headers["Location"]
        code = last_code(overrides.get("email", "rina@dinas.example"))
        confirmed = client.post(f"{path}/konfirmasi", data={"code": code})
        assert confirmed.status_code == 303, confirmed.get_data(as_text=True)
        return path

    return _post
