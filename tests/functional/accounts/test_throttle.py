"""Per-account log-in throttling: many addresses guessing at one account wait
a growing delay; the owner gets in after it; other accounts never notice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from shop.accounts import throttle
from shop.accounts.models import LoginFailure
from shop.db import utcnow
from shop.extensions import db
from tests.factories import PASSWORD, UserFactory


def attempt(client, login, password, address="127.0.0.1"):
    return client.post(
        "/masuk?hl=en",
        data={"login": login, "password": password},
        environ_overrides={"REMOTE_ADDR": address},
    )


@pytest.fixture
def later(clock):
    """The clock, stopped now; `later(seconds)` moves it on."""
    start = utcnow()

    def _later(seconds: float) -> None:
        clock.move_to(start + timedelta(seconds=seconds))

    return _later


def test_sixty_guesses_from_thirty_addresses_are_mostly_refused(app, client, later):
    UserFactory(phone="+6281234567890")
    other = UserFactory(phone="+6281299990000")
    db.session.commit()

    answers = [
        attempt(client, "0812-3456-7890", f"tebakan-{n}", f"10.0.0.{n % 30 + 1}") for n in range(60)
    ]

    codes = [answer.status_code for answer in answers]
    assert codes[:5] == [200] * 5
    assert codes[5:] == [429] * 55
    refused = answers[-1]
    text = refused.get_data(as_text=True)
    assert "Too many wrong tries for this account" in text and "30 seconds" in text
    # (Flask-Limiter keeps the later of its own window and ours.)
    assert int(refused.headers["Retry-After"]) >= 30
    assert 'name="password"' in text  # the form again

    # The right password during the delay is not even looked at.
    assert attempt(client, "081234567890", PASSWORD).status_code == 429
    # Another account, from one of the same addresses, is not affected.
    assert attempt(client, "081299990000", PASSWORD, "10.0.0.1").status_code == 302
    client.post("/keluar")
    assert other.last_login_at is not None

    later(31)
    owner = attempt(client, "081234567890", PASSWORD, "192.168.1.5")
    assert owner.status_code == 302
    assert db.session.scalars(select(LoginFailure)).all() == []


def test_the_delay_doubles_up_to_the_cap_and_is_never_permanent(app, later):
    login = ("phone", "+6281200001111")
    waits = []
    with app.test_request_context():
        for _ in range(12):
            throttle.record_failure(*login)
            waits.append(throttle.wait_seconds(*login))
    assert waits[:4] == [0, 0, 0, 0]
    assert waits[4:10] == [30, 60, 120, 240, 480, 900]
    assert waits[10:] == [900, 900]
    later(901)
    with app.test_request_context():
        assert throttle.wait_seconds(*login) == 0


def test_an_unknown_login_is_answered_like_a_known_one(app, client, later):
    UserFactory(phone="+6281234567890")
    db.session.commit()
    known = [attempt(client, "081234567890", "salah-123").status_code for _ in range(6)]
    unknown = [attempt(client, "081277776666", "salah-123").status_code for _ in range(6)]
    assert known == unknown == [200] * 5 + [429]


def test_a_good_log_in_clears_the_count(app, client):
    UserFactory(phone="+6281234567890")
    db.session.commit()
    for _ in range(4):
        assert attempt(client, "081234567890", "salah-123").status_code == 200
    assert attempt(client, "081234567890", PASSWORD).status_code == 302
    client.post("/keluar")
    codes = [attempt(client, "081234567890", "salah-123").status_code for _ in range(5)]
    assert codes == [200] * 5


def test_clear_login_failures_is_what_a_password_reset_calls(app, client, later):
    UserFactory(phone="+6281234567890")
    db.session.commit()
    for _ in range(6):
        attempt(client, "081234567890", "salah-123")
    assert attempt(client, "081234567890", PASSWORD).status_code == 429
    with app.test_request_context():
        throttle.clear_login_failures("phone", "+6281234567890")
    db.session.commit()
    assert attempt(client, "081234567890", PASSWORD).status_code == 302


def test_the_same_login_typed_differently_is_one_count(app, client, later):
    for typed in ("0812-3456-7890", "+62 812 3456 7890", "6281234567890", "081234567890"):
        attempt(client, typed, "salah-123")
    attempt(client, "0812 3456 7890", "salah-123")
    assert attempt(client, "+6281234567890", "salah-123").status_code == 429


def test_the_wait_is_shown_in_indonesian(app, client, later):
    for _ in range(5):
        attempt(client, "081234567890", "salah-123")
    page = client.post("/masuk", data={"login": "081234567890", "password": "x"})
    assert page.status_code == 429
    assert "30 detik" in page.get_data(as_text=True)


def test_the_table_holds_no_phone_numbers(app, client):
    attempt(client, "081234567890", "salah-123")
    row = db.session.scalars(select(LoginFailure)).one()
    assert "81234567890" not in row.key_hash and len(row.key_hash) == 64


def test_old_failures_are_forgotten_and_swept(app, later):
    login = ("email", "siti@example.com")
    with app.test_request_context():
        for _ in range(5):
            throttle.record_failure(*login)
        assert throttle.wait_seconds(*login) == 30
        later(25 * 3600)
        assert throttle.record_failure(*login) == 1
        assert throttle.wait_seconds(*login) == 0
        later(50 * 3600)
        assert throttle.sweep_failures() == 1


@pytest.mark.no_db_transaction
def test_guesses_at_the_same_moment_each_count(tmp_path_factory):
    """Ten threads, each its own connection and transaction: the upsert counts ten."""
    from tests.conftest import make_live_app

    app = make_live_app(tmp_path_factory, "throttlerace")
    login = ("phone", "+6281234500000")
    barrier = threading.Barrier(10)
    errors: list[BaseException] = []

    def guess():
        try:
            with app.test_request_context():
                barrier.wait()
                for attempt_ in range(5):
                    try:
                        throttle.record_failure(*login)
                        db.session.commit()
                        break
                    except OperationalError:  # SQLite: database is locked; try again
                        db.session.rollback()
                        if attempt_ == 4:
                            raise
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=guess) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with app.app_context():
        row = db.session.scalars(select(LoginFailure)).one()
        assert row.failures == 10
        db.session.remove()
        db.engine.dispose()
