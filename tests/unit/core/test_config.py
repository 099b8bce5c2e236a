"""Configuration: a secret key made once per instance, safe cookies outside development."""

import os
import stat

from shop import create_app
from shop.config import _secret_key


def test_secret_key_is_generated_once_and_private(tmp_path):
    first = _secret_key(tmp_path)
    assert len(first) >= 40
    assert _secret_key(tmp_path) == first
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("ETALASE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["FORCE_HTTPS"] is True
    response = app.test_client().get("/masuk", base_url="https://etalase.test")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert app.test_client().get("/masuk").status_code in (301, 302)  # http → https


def test_development_serves_plain_http(monkeypatch, tmp_path):
    monkeypatch.setenv("ETALASE_ENV", "development")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.db'}"})
    assert app.config["SESSION_COOKIE_SECURE"] is False
