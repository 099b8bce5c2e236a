"""A rate-limited route tells its limits on every answer (X-RateLimit-*), but
only a refusal (429) or an outage (503) asks the client to retry later."""

import pytest

from shop.extensions import db, limiter
from tests.factories import PASSWORD, UserFactory


def attempt(client, login, password):
    return client.post("/masuk", data={"login": login, "password": password})


def test_an_answered_request_is_not_told_to_retry_later(client):
    UserFactory(phone="+6281234567890")
    db.session.commit()

    wrong = attempt(client, "081234567890", "bukan-sandinya")
    assert wrong.status_code == 200
    assert "X-RateLimit-Remaining" in wrong.headers
    assert "Retry-After" not in wrong.headers

    right = attempt(client, "081234567890", PASSWORD)
    assert right.status_code == 302
    assert "Retry-After" not in right.headers


@pytest.fixture
def ten_a_minute(app):
    limiter.reset()
    app.config["LOGIN_RATE_LIMIT"] = "10 per minute"
    yield
    app.config["LOGIN_RATE_LIMIT"] = "10000 per minute"
    limiter.reset()


def test_the_limiters_refusal_still_says_when_to_come_back(client, ten_a_minute):
    answers = [attempt(client, f"08123450000{n:02d}", "tebakan") for n in range(11)]
    assert [a.status_code for a in answers] == [200] * 10 + [429]
    assert all("Retry-After" not in a.headers for a in answers[:10])
    assert 0 < int(answers[-1].headers["Retry-After"]) <= 60
