"""A WhatsApp number confirmed by a code: at sign-up, after a typo, and when
changed on the account page; and honest when no channel is configured."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import render_template
from flask_login import login_user
from sqlalchemy import select

from shop.accounts.models import User
from shop.extensions import db
from tests.factories import PASSWORD, UserFactory
from tests.functional.accounts.recovery_support import (  # noqa: F401  (fixtures)
    _english,
    _recovery_limits,
    codes_of,
    expire_latest,
    last_code,
    messages,
    whatsapp_on,
)

SIGNUP = {"name": "Siti Aminah", "password": "abon-lele-123", "confirm": "abon-lele-123"}


def _signup(client, number: str):
    response = client.post("/daftar", data={**SIGNUP, "login": number})
    user = db.session.scalar(select(User).where(User.name == "Siti Aminah"))
    return response, user


@pytest.mark.usefixtures("whatsapp_on")
def test_signup_asks_for_the_code_sent_to_whatsapp(client):
    response, user = _signup(client, "0812-3456-7890")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/akun/verifikasi")
    # The account exists and the person is logged in before any code.
    assert client.get("/kelola?semua=1").status_code == 200
    page = client.get("/akun/verifikasi")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "0812-3456-7890" in text
    assert 'href="/akun/nomor"' in text
    assert "no-store" in page.headers["Cache-Control"]

    code = last_code("verify_code", "+6281234567890")
    assert len(code) == 6 and code.isdigit()
    # Stored hashed only.
    assert all(code not in row.secret_hash for row in codes_of(user))

    done = client.post("/akun/verifikasi", data={"code": code})
    assert done.status_code == 303
    assert user.phone_verified_at is not None
    # Confirmed: the page is no longer asked for.
    assert client.get("/akun/verifikasi").status_code == 302


@pytest.mark.usefixtures("whatsapp_on")
def test_a_code_works_once(client):
    _response, user = _signup(client, "0812-3456-7890")
    code = last_code("verify_code", user.phone)
    client.post("/akun/verifikasi", data={"code": code})
    user.phone_verified_at = None
    db.session.commit()
    again = client.post("/akun/verifikasi", data={"code": code})
    assert again.status_code == 200
    assert "no longer works" in again.get_data(as_text=True)
    assert user.phone_verified_at is None


@pytest.mark.usefixtures("whatsapp_on")
def test_five_wrong_codes_kill_the_code(client):
    _response, user = _signup(client, "0812-3456-7890")
    code = last_code("verify_code", user.phone)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        page = client.post("/akun/verifikasi", data={"code": wrong})
        assert page.status_code == 200
        assert "Ask for a new one" in page.get_data(as_text=True)
    assert codes_of(user)[-1].tries == 5
    client.post("/akun/verifikasi", data={"code": code})
    assert user.phone_verified_at is None


@pytest.mark.usefixtures("whatsapp_on")
def test_an_expired_code_is_refused(client):
    _response, user = _signup(client, "0812-3456-7890")
    code = last_code("verify_code", user.phone)
    expire_latest(user, timedelta(minutes=15))
    client.post("/akun/verifikasi", data={"code": code})
    assert user.phone_verified_at is None


@pytest.mark.usefixtures("whatsapp_on")
def test_resend_waits_and_only_the_latest_code_works(client):
    _response, user = _signup(client, "0812-3456-7890")
    first = last_code("verify_code", user.phone)

    too_soon = client.post("/akun/verifikasi/kirim-ulang", follow_redirects=True)
    assert "Please wait" in too_soon.get_data(as_text=True)
    assert "You can ask for a new code in" in too_soon.get_data(as_text=True)
    assert len(messages("verify_code", user.phone)) == 1

    row = codes_of(user)[-1]
    row.created_at -= timedelta(seconds=61)
    db.session.commit()
    client.post("/akun/verifikasi/kirim-ulang")
    assert len(messages("verify_code", user.phone)) == 2
    second = last_code("verify_code", user.phone)

    if first != second:
        client.post("/akun/verifikasi", data={"code": first})
        assert user.phone_verified_at is None
    client.post("/akun/verifikasi", data={"code": second})
    assert user.phone_verified_at is not None


@pytest.mark.usefixtures("whatsapp_on")
def test_a_mistyped_number_is_corrected_and_the_new_one_confirmed(client):
    _response, user = _signup(client, "0812-3456-7899")
    page = client.get("/akun/nomor")
    assert page.status_code == 200

    wrong_password = client.post(
        "/akun/nomor", data={"phone": "0813-1111-2222", "password": "not-my-password"}
    )
    assert wrong_password.status_code == 200
    assert user.phone == "+6281234567899"

    response = client.post(
        "/akun/nomor", data={"phone": "0813-1111-2222", "password": "abon-lele-123"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/akun/verifikasi")
    # The unconfirmed typo is replaced at once; the new number gets a code.
    assert user.phone == "+6281311112222"
    code = last_code("verify_code", "+6281311112222")
    client.post("/akun/verifikasi", data={"code": code})
    assert user.phone_verified_at is not None


@pytest.mark.usefixtures("whatsapp_on")
def test_a_confirmed_number_stays_until_the_new_one_is_confirmed(client, login_as):
    user = UserFactory(phone="+6281377778888")
    user.phone_verified_at = user.created_at
    db.session.commit()
    login_as(user)

    client.post("/akun/nomor", data={"phone": "0813-9999-0000", "password": PASSWORD})
    assert user.phone == "+6281377778888"
    assert user.pending_phone == "+6281399990000"
    # The old number still logs in meanwhile.
    client.post("/keluar")
    login_as(user)

    code = last_code("verify_code", "+6281399990000")
    client.post("/akun/verifikasi", data={"code": code})
    assert user.phone == "+6281399990000"
    assert user.pending_phone is None
    assert user.phone_verified_at is not None


@pytest.mark.usefixtures("whatsapp_on")
def test_a_number_that_has_an_account_is_refused(client, login_as):
    UserFactory(phone="+6281355556666")
    user = login_as(UserFactory())
    before = user.phone
    page = client.post("/akun/nomor", data={"phone": "0813-5555-6666", "password": PASSWORD})
    assert page.status_code == 200
    assert "already has an account" in page.get_data(as_text=True)
    assert user.phone == before and user.pending_phone is None


def test_without_a_channel_nothing_is_asked_and_the_page_says_so(app, client):
    response, user = _signup(client, "0812-3456-7890")
    assert response.headers["Location"] != "/akun/verifikasi"
    assert messages("verify_code") == []
    assert client.get("/akun/verifikasi").status_code == 302

    with app.test_request_context("/?hl=en"):
        login_user(user)
        contact = render_template("accounts/_contact.html")
    assert "0812-3456-7890" in contact
    assert "not confirmed" in contact
    assert "cannot be confirmed" in contact
    assert "/akun/verifikasi" not in contact


@pytest.mark.usefixtures("whatsapp_on")
def test_the_account_partial_shows_a_confirmed_number(app):
    user = UserFactory(phone="+6281377778888")
    user.phone_verified_at = user.created_at
    with app.test_request_context("/?hl=en"):
        login_user(user)
        contact = render_template("accounts/_contact.html")
    assert "confirmed" in contact and "not confirmed" not in contact
    assert "/akun/nomor" in contact


@pytest.mark.usefixtures("whatsapp_on")
def test_the_account_page_offers_to_confirm_the_number(client, login_as):
    login_as(UserFactory(phone="+6281377778888"))
    page = client.get("/akun").get_data(as_text=True)
    assert "0813-7777-8888" in page
    assert "not confirmed" in page
    # A button that sends the code first (test_confirm_from_account_page).
    assert 'action="/akun/verifikasi/kirim-ulang"' in page
    assert 'href="/akun/nomor"' in page
