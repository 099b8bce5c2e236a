"""A person chooses the language of their messages on the account page
(a plain form, CSRF on); the alerts page says which it is. Signing up in
English starts with English."""

from __future__ import annotations

import re

from shop.accounts.models import User
from shop.extensions import db
from shop.groups.models import Role
from tests.functional.groups.test_alert_settings import membership


def selected(page: str) -> str:
    """The chosen option of the language select."""
    found = re.search(r"<option[^>]*\bselected\b[^>]*>", page)
    assert found, "no language chosen"
    return re.search(r'value="(\w+)"', found.group(0)).group(1)


def test_a_member_chooses_english_for_their_messages(client, login_as):
    anggota = membership(Role.MEMBER)
    db.session.commit()
    login_as(anggota.user)
    page = client.get("/akun").get_data(as_text=True)
    assert "Bahasa pesan saya" in page and "Pesan WhatsApp, notifikasi ponsel" in page
    assert selected(page) == "id"  # nothing chosen yet: the site's language

    saved = client.post("/akun/bahasa-pesan", data={"locale": "en"}, follow_redirects=True)
    page = saved.get_data(as_text=True)
    assert "Pesan Anda akan ditulis dalam English." in page  # the page stays Indonesian
    assert selected(page) == "en"
    assert db.session.get(User, anggota.user_id).locale == "en"
    alerts = client.get(f"/kelola/{anggota.group.slug}/pemberitahuan").get_data(as_text=True)
    assert "Pemberitahuan Anda ditulis dalam English." in alerts


def test_a_language_the_site_lacks_is_refused_and_nothing_changes(client, login_as):
    anggota = membership(Role.MEMBER)
    db.session.commit()
    login_as(anggota.user)
    refused = client.post("/akun/bahasa-pesan", data={"locale": "fr"})
    assert refused.status_code == 400
    assert 'class="error"' in refused.get_data(as_text=True)
    no_token = client.post("/akun/bahasa-pesan", data={"locale": "en"}, csrf=False)
    assert no_token.status_code == 400
    assert db.session.get(User, anggota.user_id).locale == ""


def test_a_visitor_is_sent_to_log_in(client):
    answer = client.post("/akun/bahasa-pesan", data={"locale": "en"})
    assert answer.status_code == 302 and "/masuk" in answer.headers["Location"]


def test_signing_up_in_english_starts_with_english_messages(client):
    client.set_cookie("lang", "en")
    made = client.post(
        "/daftar",
        data={
            "name": "Dewi",
            "login": "dewi@example.com",
            "password": "kerupuk lele rawapasung 2024",
            "confirm": "kerupuk lele rawapasung 2024",
        },
    )
    assert made.status_code == 302, made.get_data(as_text=True)
    [user] = db.session.query(User).filter_by(email="dewi@example.com").all()
    assert user.locale == "en"
