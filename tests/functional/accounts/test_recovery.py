"""'Lupa kata sandi?': a link by email, a code by WhatsApp; single use, latest
only, expiring, rate-limited, and never telling whether an account exists."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shop.extensions import db, limiter
from tests.factories import PASSWORD, UserFactory
from tests.functional.accounts.recovery_support import (  # noqa: F401  (fixtures)
    NEW_PASSWORD,
    _english,
    _recovery_limits,
    expire_latest,
    last_code,
    last_link,
    messages,
    whatsapp_on,
    without_csrf,
)


def _logged_in(client) -> bool:
    return client.get("/akun/sandi").status_code == 200


def _can_log_in(app, login: str, password: str) -> bool:
    other = app.test_client()
    response = other.post("/masuk", data={"login": login, "password": password})
    return response.status_code == 302


def _verified_phone_user(phone="+6281377778888"):
    user = UserFactory(phone=phone)
    user.phone_verified_at = user.created_at
    db.session.commit()
    return user


# --- the login page ------------------------------------------------------------


def test_the_login_page_links_to_the_reset_page(client):
    page = client.get("/masuk").get_data(as_text=True)
    assert 'href="/lupa-sandi"' in page
    assert client.get("/lupa-sandi").status_code == 200


def _ask_for_link(client, email="siti@example.com") -> str:
    client.post("/lupa-sandi", data={"login": email})
    return last_link(email)


# --- by email --------------------------------------------------------------------


def test_reset_by_email_link(app, client):
    user = UserFactory(phone=None, email="siti@example.com")
    db.session.commit()
    response = client.post("/lupa-sandi", data={"login": "Siti@Example.com"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/lupa-sandi/terkirim"
    assert "60 minutes" in client.get("/lupa-sandi/terkirim").get_data(as_text=True)

    link = last_link("siti@example.com")
    email = messages("password_reset")[-1]
    assert link in email.body_html
    # Opening the link (a mail scanner, a preview) does not use it up.
    for _ in range(2):
        page = client.get(link)
        assert page.status_code == 200
        assert "no-store" in page.headers["Cache-Control"]

    done = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    assert _logged_in(client)
    assert user.email_verified_at is not None
    assert _can_log_in(app, "siti@example.com", NEW_PASSWORD)
    assert not _can_log_in(app, "siti@example.com", PASSWORD)

    # Used once: the link is dead now.
    again = client.get(link)
    assert again.status_code == 404
    assert "no longer works" in again.get_data(as_text=True)
    refused = client.post(
        link, data={"password": "another pass 9876", "confirm": "another pass 9876"}
    )
    assert refused.status_code == 404
    assert _can_log_in(app, "siti@example.com", NEW_PASSWORD)


def test_only_the_latest_email_link_works(app, client):
    UserFactory(phone=None, email="siti@example.com")
    db.session.commit()
    first = _ask_for_link(client)
    second = _ask_for_link(client)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_an_expired_email_link_is_refused(app, client):
    user = UserFactory(phone=None, email="siti@example.com")
    db.session.commit()
    link = _ask_for_link(client)
    expire_latest(user, timedelta(minutes=60))
    assert client.get(link).status_code == 404
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert _can_log_in(app, "siti@example.com", PASSWORD)


def test_a_weak_new_password_is_refused_and_the_link_still_works(app, client):
    UserFactory(phone=None, email="siti@example.com")
    db.session.commit()
    link = _ask_for_link(client)
    page = client.post(link, data={"password": "12345678", "confirm": "12345678"})
    assert page.status_code == 200
    assert _can_log_in(app, "siti@example.com", PASSWORD)
    assert client.get(link).status_code == 200


def _ask_for_code(client):
    """A member with a confirmed number asks; the code that reached her phone."""
    user = _verified_phone_user()
    client.post("/lupa-sandi", data={"login": "0813-7777-8888"})
    return user, last_code("reset_code", user.phone)


# --- by WhatsApp code --------------------------------------------------------------


@pytest.mark.usefixtures("whatsapp_on")
def test_reset_by_whatsapp_code(app, client):
    _verified_phone_user()
    response = client.post("/lupa-sandi", data={"login": "0813-7777-8888"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/lupa-sandi/kode"
    page = client.get("/lupa-sandi/kode").get_data(as_text=True)
    assert 'value="0813-7777-8888"' in page

    code = last_code("reset_code", "+6281377778888")
    form = {
        "phone": "0813-7777-8888",
        "code": code,
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    done = client.post("/lupa-sandi/kode", data=form)
    assert done.status_code == 303
    assert _logged_in(client)
    assert _can_log_in(app, "0813-7777-8888", NEW_PASSWORD)

    # Once only.
    other = {**form, "password": "another pass 9876", "confirm": "another pass 9876"}
    client.post("/keluar")
    again = client.post("/lupa-sandi/kode", data=other)
    assert again.status_code == 200
    assert "no longer works" in again.get_data(as_text=True)
    assert _can_log_in(app, "0813-7777-8888", NEW_PASSWORD)


@pytest.mark.usefixtures("whatsapp_on")
def test_wrong_codes_are_limited(app, client):
    user, code = _ask_for_code(client)
    wrong = "000000" if code != "000000" else "111111"
    form = {"phone": "0813-7777-8888", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    for _ in range(5):
        assert client.post("/lupa-sandi/kode", data={**form, "code": wrong}).status_code == 200
    client.post("/lupa-sandi/kode", data={**form, "code": code})
    assert not _can_log_in(app, "0813-7777-8888", NEW_PASSWORD)
    assert _can_log_in(app, "0813-7777-8888", PASSWORD)


@pytest.mark.usefixtures("whatsapp_on")
def test_an_expired_code_is_refused(app, client):
    user, code = _ask_for_code(client)
    expire_latest(user, timedelta(minutes=15))
    form = {
        "phone": "0813-7777-8888",
        "code": code,
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    assert client.post("/lupa-sandi/kode", data=form).status_code == 200
    assert _can_log_in(app, "0813-7777-8888", PASSWORD)


@pytest.mark.usefixtures("whatsapp_on")
def test_only_the_latest_code_works(app, client):
    user = _verified_phone_user()
    client.post("/lupa-sandi", data={"login": "0813-7777-8888"})
    first = last_code("reset_code", user.phone)
    client.post("/lupa-sandi", data={"login": "0813-7777-8888"})
    second = last_code("reset_code", user.phone)
    form = {"phone": "0813-7777-8888", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    if first != second:
        client.post("/lupa-sandi/kode", data={**form, "code": first})
        assert _can_log_in(app, "0813-7777-8888", PASSWORD)
    client.post("/lupa-sandi/kode", data={**form, "code": second})
    assert _can_log_in(app, "0813-7777-8888", NEW_PASSWORD)


@pytest.mark.usefixtures("whatsapp_on")
def test_no_code_for_an_unconfirmed_number(client):
    UserFactory(phone="+6281377778888")
    db.session.commit()
    response = client.post("/lupa-sandi", data={"login": "0813-7777-8888"})
    assert response.headers["Location"] == "/lupa-sandi/kode"
    assert messages("reset_code") == []


def test_no_code_without_a_channel(client):
    _verified_phone_user()
    client.post("/lupa-sandi", data={"login": "0813-7777-8888"})
    assert messages("reset_code") == []
    page = client.get("/lupa-sandi/kode").get_data(as_text=True)
    assert "does not send codes by WhatsApp" in page
    assert "coordinator" in page


# --- no account oracle, limits -------------------------------------------------------


def _answer(client, login: str):
    response = client.post("/lupa-sandi", data={"login": login})
    follow = client.get(response.headers["Location"])
    return (
        response.status_code,
        response.headers["Location"],
        response.get_data(as_text=True),
        follow.status_code,
        without_csrf(follow.get_data(as_text=True)),
    )


def test_the_answer_is_the_same_for_known_and_unknown_emails(client):
    UserFactory(phone=None, email="siti@example.com")
    db.session.commit()
    known = _answer(client, "siti@example.com")
    unknown = _answer(client, "nobody@example.com")
    assert known == unknown
    assert len(messages("password_reset")) == 1


@pytest.mark.usefixtures("whatsapp_on")
def test_the_answer_is_the_same_for_known_and_unknown_numbers(client):
    _verified_phone_user("+6281377778888")
    known = _answer(client, "0813-7777-8888")
    unknown = _answer(client, "0813-7777-9999")
    # Apart from the number the person typed, shown back to her.
    assert known[:4] == unknown[:4]
    assert known[4].replace("0813-7777-8888", "N") == unknown[4].replace("0813-7777-9999", "N")
    assert len(messages("reset_code")) == 1


@pytest.mark.usefixtures("whatsapp_on")
def test_an_unknown_number_and_a_wrong_code_get_the_same_refusal(client):
    _verified_phone_user("+6281377778888")
    client.post("/lupa-sandi", data={"login": "0813-7777-8888"})
    code = last_code("reset_code", "+6281377778888")
    wrong = "000000" if code != "000000" else "111111"
    form = {"code": wrong, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    known = client.post("/lupa-sandi/kode", data={**form, "phone": "0813-7777-8888"})
    unknown = client.post("/lupa-sandi/kode", data={**form, "phone": "0813-7777-9999"})
    assert known.status_code == unknown.status_code == 200
    known_text = without_csrf(known.get_data(as_text=True)).replace("0813-7777-8888", "N")
    unknown_text = without_csrf(unknown.get_data(as_text=True)).replace("0813-7777-9999", "N")
    assert known_text == unknown_text


@pytest.mark.usefixtures("whatsapp_on")
def test_codes_per_account_are_limited_silently(client):
    user = _verified_phone_user()
    answers = {client.post("/lupa-sandi", data={"login": user.phone}).status_code for _ in range(5)}
    assert answers == {303}
    assert len(messages("reset_code", user.phone)) == 3


def test_requests_are_limited_per_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RESET_RATE_LIMIT", "2 per minute")
    limiter.reset()
    statuses = [
        client.post("/lupa-sandi", data={"login": f"nobody{n}@example.com"}).status_code
        for n in range(3)
    ]
    assert statuses == [303, 303, 429]
    # Typing codes shares the budget.
    form = {
        "phone": "0813-7777-8888",
        "code": "123456",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    assert client.post("/lupa-sandi/kode", data=form).status_code == 429


def test_bad_input_changes_nothing(client):
    page = client.post("/lupa-sandi", data={"login": "not an address"})
    assert page.status_code == 200
    assert "valid phone number" in page.get_data(as_text=True)
    assert messages("password_reset") == []
    assert client.get("/lupa-sandi/tautan/" + "x" * 500).status_code == 404


# --- sessions ------------------------------------------------------------------------


def test_a_reset_ends_every_other_session(app, client, login_as):
    user = UserFactory(phone="+6281377778888", email="siti@example.com")
    db.session.commit()
    login_as(user)
    assert _logged_in(client)

    phone = app.test_client()
    phone.set_cookie("lang", "en")
    phone.post("/lupa-sandi", data={"login": "siti@example.com"})
    link = last_link("siti@example.com")
    phone.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert _logged_in(phone)

    # The old browser, with its cookies, is a logged-out visitor now.
    assert not _logged_in(client)
    assert client.get("/akun/sandi").headers["Location"].startswith("/masuk")


def test_a_reset_logs_this_browser_in_under_one_new_session(app, client):
    from shop.accounts.sessions import active_sessions

    user = UserFactory(phone=None, email="siti@example.com")
    db.session.commit()
    client.post("/lupa-sandi", data={"login": "siti@example.com"})
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Safari/604.1"
    client.post(
        last_link("siti@example.com"),
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        headers={"User-Agent": iphone},
    )
    assert _logged_in(client)
    # Started with the reset, in its transaction: the browser's own device.
    assert [row.device for row in active_sessions(user)] == ["Safari · iPhone"]


def test_a_reset_clears_the_log_in_delay(app, client):
    from shop.accounts.throttle import record_failure

    UserFactory(phone=None, email="siti@example.com")
    for _ in range(app.config["LOGIN_FREE_FAILURES"] + 1):
        record_failure("email", "siti@example.com")
    db.session.commit()
    # Guessers made her wait...
    assert not _can_log_in(app, "siti@example.com", PASSWORD)
    link = _ask_for_link(client)
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    # ...her reset lets her straight back in, anywhere.
    assert _can_log_in(app, "siti@example.com", NEW_PASSWORD)
