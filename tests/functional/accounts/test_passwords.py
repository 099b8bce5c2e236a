"""Passwords that are common or easily guessed are refused, with a reason in
the person's language; long passphrases are welcome."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.accounts.models import User
from shop.accounts.passwords import validate_new_password
from shop.demo.data import DEMO_PASSWORD
from shop.errors import DomainError
from shop.extensions import db
from tests.factories import PASSWORD, UserFactory

PERSON = ["Siti Aminah", "+6281234567890", "siti.aminah@example.com"]


def refusal(password: str, user_inputs=PERSON, language="en") -> str | None:
    from flask import current_app
    from flask_babel import force_locale

    with current_app.test_request_context(), force_locale(language):
        try:
            validate_new_password(password, user_inputs=user_inputs)
        except DomainError as error:
            assert error.field == "password"
            return str(error.message)
    return None


@pytest.mark.parametrize(
    "password",
    [
        "12345678",
        "password",
        "qwertyuiop",
        DEMO_PASSWORD,
        "etalase-2024",
        "Etalase123",
        "rahasia123",
        "bismillah",
        "sayangku123",
        "siti1985",
        "081234567890",
        "sitiaminah",
        "aaaaaaaaaaaa",
    ],
)
def test_easily_guessed_passwords_are_refused(app, password):
    reason = refusal(password)
    assert reason is not None and reason.startswith("This password is too easy to guess: ")


@pytest.mark.parametrize(
    "password",
    ["kerupuk lele rawapasung 2024", "abon-lele-123", "Tr0ub4dor&3", "kata " * 30],
)
def test_passphrases_and_strong_passwords_are_accepted(app, password):
    assert refusal(password) is None


def test_the_reason_is_ours_in_the_persons_language(app):
    english = refusal("12345678", language="en")
    assert "common password" in english
    assert "top-10" not in english  # never zxcvbn's own text
    assert refusal("kerupuk", language="id") == "Kata sandi minimal 8 karakter."


@pytest.mark.parametrize(
    ("password", "hint"),
    [
        ("abcdefgh1234", "sequence"),
        ("zzzzzzzzzzzz", "repeats"),
        ("siti aminah", "your name"),
        ("zxcvbnm,./", "keyboard"),
        ("password", "common password"),
    ],
)
def test_the_reason_says_what_is_wrong(app, password, hint):
    assert hint in refusal(password)


def test_short_and_overlong_passwords_get_their_own_reason(app):
    assert "at least 8" in refusal("kerupuk")
    assert "at most 200" in refusal("kerupuk lele " * 20)


def sign_up(client, password: str):
    return client.post(
        "/daftar?hl=en",
        data={
            "name": "Siti Aminah",
            "login": "0812-3456-7890",
            "password": password,
            "confirm": password,
        },
    )


def test_sign_up_refuses_a_common_password_and_creates_nothing(app, client):
    page = sign_up(client, "password123")
    assert page.status_code == 200
    assert "too easy to guess" in page.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.phone == "+6281234567890")) is None


def test_sign_up_tells_people_what_makes_a_good_password(client):
    page = client.get("/daftar?hl=en").get_data(as_text=True)
    assert "words you can remember" in page


def test_sign_up_refuses_the_persons_own_number(client):
    page = sign_up(client, "081234567890")
    assert "your name, number or email" in page.get_data(as_text=True)


def test_a_password_change_refuses_a_weak_password_and_keeps_the_old_one(client, login_as):
    user = login_as(UserFactory(name="Ratna Sari"))
    old_hash = user.password_hash
    page = client.post(
        "/akun/sandi?hl=en",
        data={"current": PASSWORD, "password": "ratnasari1", "confirm": "ratnasari1"},
    )
    assert page.status_code == 200
    assert "too easy to guess" in page.get_data(as_text=True)
    assert db.session.get(User, user.id).password_hash == old_hash


def test_the_demo_loader_still_sets_its_published_password(app):
    """The demo's people keep DEMO_PASSWORD (set directly, not through sign-up)."""
    from shop.accounts.services import register_user

    user = register_user("Demo", ("phone", "+6281200000999"), DEMO_PASSWORD)
    assert user.check_password(DEMO_PASSWORD)
