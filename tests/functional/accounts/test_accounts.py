"""Sign-up, log-in, log-out and password change, as a group member uses them."""

from sqlalchemy import select

from shop.accounts.models import User
from shop.extensions import db
from tests.factories import PASSWORD, UserFactory


def test_signup_with_local_number_stores_e164_and_logs_in(client):
    response = client.post(
        "/daftar",
        data={
            "name": "Siti Aminah",
            "login": "0812-3456-7890",
            "password": "abon-lele-123",
            "confirm": "abon-lele-123",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.name == "Siti Aminah"))
    assert user.phone == "+6281234567890"
    assert user.password_hash != "abon-lele-123"
    assert client.get("/kelola?semua=1").status_code == 200


def test_signup_with_email_normalises_domain(client):
    client.post(
        "/daftar",
        data={
            "name": "Budi",
            "login": "Budi.Santoso@Gmail.COM",
            "password": "abon-lele-123",
            "confirm": "abon-lele-123",
        },
    )
    user = db.session.scalar(select(User).where(User.name == "Budi"))
    assert user.email == "budi.santoso@gmail.com"


def test_signup_errors_are_in_indonesian_and_save_nothing(client):
    before = db.session.scalar(select(db.func.count()).select_from(User))
    response = client.post(
        "/daftar",
        data={"name": "", "login": "08123", "password": "pendek", "confirm": "lain"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Kolom ini wajib diisi." in body
    assert "Masukkan nomor HP" in body
    assert "minimal 8 karakter" in body
    assert db.session.scalar(select(db.func.count()).select_from(User)) == before


def test_signup_refuses_a_taken_number(client):
    UserFactory(phone="+6281234567890")
    response = client.post(
        "/daftar",
        data={
            "name": "Orang Lain",
            "login": "+62 812 3456 7890",
            "password": "abon-lele-123",
            "confirm": "abon-lele-123",
        },
    )
    assert response.status_code == 200
    assert "sudah punya akun" in response.get_data(as_text=True)


def test_login_with_either_spelling_of_the_number(client):
    UserFactory(phone="+6281234567890")
    response = client.post("/masuk", data={"login": "081234567890", "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_gives_one_message_for_both_cases(client):
    UserFactory(phone="+6281234567890")
    wrong_password = client.post("/masuk", data={"login": "081234567890", "password": "salah-123"})
    unknown = client.post("/masuk", data={"login": "081299999999", "password": "salah-123"})
    message = "Nomor/email atau kata sandi salah."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_login_only_follows_local_next(client):
    UserFactory(phone="+6281234567890")
    response = client.post(
        "/masuk?next=//evil.example/x", data={"login": "081234567890", "password": PASSWORD}
    )
    assert "evil.example" not in response.headers["Location"]


def test_post_without_csrf_token_is_refused(client):
    UserFactory(phone="+6281234567890")
    response = client.post(
        "/masuk", data={"login": "081234567890", "password": PASSWORD}, csrf=False
    )
    assert response.status_code == 400


def test_logout_is_a_post(client, login_as):
    login_as(UserFactory())
    assert client.get("/keluar").status_code == 405
    assert client.post("/keluar").status_code == 302
    assert client.get("/kelola").status_code == 302


def test_change_password_ends_other_sessions(app, client, login_as):
    user = login_as(UserFactory())
    other = app.test_client()
    other.post("/masuk", data={"login": user.phone, "password": PASSWORD})
    assert other.get("/kelola?semua=1").status_code == 200
    response = client.post(
        "/akun/sandi",
        data={"current": PASSWORD, "password": "baru-sekali-1", "confirm": "baru-sekali-1"},
    )
    assert response.status_code == 302
    assert client.get("/kelola?semua=1").status_code == 200
    assert other.get("/kelola?semua=1").status_code == 302


def test_change_password_with_wrong_current_changes_nothing(client, login_as):
    user = login_as(UserFactory())
    old_hash = user.password_hash
    response = client.post(
        "/akun/sandi",
        data={"current": "bukan-ini-1", "password": "baru-sekali-1", "confirm": "baru-sekali-1"},
    )
    assert "Kata sandi saat ini salah." in response.get_data(as_text=True)
    assert db.session.get(User, user.id).password_hash == old_hash


def test_login_is_rate_limited_per_address(app, client):
    """One address trying many accounts (each below its own account's limit)."""
    from shop.extensions import limiter

    limiter.reset()
    app.config["LOGIN_RATE_LIMIT"] = "10 per minute"
    try:
        codes = [
            client.post(
                "/masuk", data={"login": f"0812345{n:05d}", "password": "salah-123"}
            ).status_code
            for n in range(12)
        ]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10000 per minute"
        limiter.reset()
    assert codes[:10] == [200] * 10
    assert codes[10] == 429
