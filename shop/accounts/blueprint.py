"""The URL map of the accounts and recovery blueprints: every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.accounts import recovery_views, views

accounts_bp = Blueprint("accounts", __name__)

# views.py: sign-up, log-in and the account
accounts_bp.add_url_rule("/daftar", "signup", views.signup, methods=["GET", "POST"])
accounts_bp.add_url_rule("/masuk", "login", views.login, methods=["GET", "POST"])
accounts_bp.add_url_rule("/keluar", "logout", views.logout, methods=["POST"])
accounts_bp.add_url_rule("/akun", "account", views.account, methods=["GET"])
accounts_bp.add_url_rule(
    "/akun/keluar-semua", "logout_everywhere", views.logout_everywhere, methods=["POST"]
)
accounts_bp.add_url_rule(
    "/akun/bahasa-pesan", "message_language", views.message_language, methods=["POST"]
)
accounts_bp.add_url_rule(
    "/akun/sandi", "change_password", views.change_password, methods=["GET", "POST"]
)

# Hooks and template helpers of the blueprint
accounts_bp.after_app_request(views._after_login_session)

recovery_bp = Blueprint("recovery", __name__)

# recovery_views.py: account recovery and phone verification
recovery_bp.add_url_rule(
    "/akun/verifikasi", "verify", recovery_views.verify, methods=["GET", "POST"]
)
recovery_bp.add_url_rule(
    "/akun/verifikasi/kirim-ulang", "resend", recovery_views.resend, methods=["POST"]
)
recovery_bp.add_url_rule(
    "/akun/nomor", "change_number", recovery_views.change_number, methods=["GET", "POST"]
)
recovery_bp.add_url_rule("/lupa-sandi", "forgot", recovery_views.forgot, methods=["GET", "POST"])
recovery_bp.add_url_rule("/lupa-sandi/terkirim", "sent", recovery_views.sent, methods=["GET"])
recovery_bp.add_url_rule(
    "/lupa-sandi/kode", "enter_code", recovery_views.enter_code, methods=["GET", "POST"]
)
recovery_bp.add_url_rule(
    "/lupa-sandi/tautan/<token>", "reset_link", recovery_views.reset_link, methods=["GET", "POST"]
)

# Hooks and template helpers of the blueprint
recovery_bp.after_request(recovery_views._private)
recovery_bp.app_context_processor(recovery_views._helpers)
