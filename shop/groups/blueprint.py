"""The URL map of the groups blueprint: every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.groups import (
    alert_settings,
    group_number_views,
    manage,
    qris_settings,
    verification,
    views,
)
from shop.groups.suspension import GroupSuspended

bp = Blueprint("groups", __name__)

# manage.py: the group's management pages
bp.add_url_rule("/kelola", "dashboard", manage.dashboard, methods=["GET"])
bp.add_url_rule("/kelola/kelompok-baru", "create", manage.create, methods=["GET", "POST"])
bp.add_url_rule("/kelola/<slug>", "manage_home", manage.manage_home, methods=["GET"])
bp.add_url_rule("/kelola/<slug>/profil", "profile", manage.profile, methods=["GET", "POST"])
bp.add_url_rule(
    "/kelola/<slug>/rekening", "bank_accounts", manage.bank_accounts, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/kelola/<slug>/rekening/<int:account_id>/hapus",
    "remove_bank_account",
    manage.remove_bank_account,
    methods=["POST"],
)
bp.add_url_rule("/kelola/<slug>/anggota", "members", manage.members, methods=["GET"])
bp.add_url_rule("/kelola/<slug>/undangan", "invitation", manage.invitation, methods=["GET"])
bp.add_url_rule(
    "/kelola/<slug>/undangan", "create_invitation", manage.create_invitation, methods=["POST"]
)
bp.add_url_rule(
    "/kelola/<slug>/undangan/<int:invitation_id>/cabut",
    "revoke_invitation",
    manage.revoke_invitation,
    methods=["POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/anggota/<int:membership_id>/hapus",
    "remove_member",
    manage.remove_member,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/anggota/<int:membership_id>/peran",
    "change_role",
    manage.change_role,
    methods=["POST"],
)
bp.add_url_rule("/gabung/<token>", "join", manage.join, methods=["GET", "POST"])

# qris_settings.py: the group's QRIS (its sticker's code, checked and confirmed)
bp.add_url_rule("/kelola/<slug>/qris", "qris", qris_settings.qris, methods=["GET"])
bp.add_url_rule("/kelola/<slug>/qris", "check_qris", qris_settings.check_qris, methods=["POST"])
bp.add_url_rule(
    "/kelola/<slug>/qris/simpan", "save_qris", qris_settings.save_qris, methods=["POST"]
)
bp.add_url_rule(
    "/kelola/<slug>/qris/hapus", "remove_qris", qris_settings.remove_qris, methods=["POST"]
)

# alert_settings.py: a member's own order alerts
bp.add_url_rule(
    "/kelola/<slug>/pemberitahuan", "alerts", alert_settings.alerts, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/kelola/<slug>/pemberitahuan/ponsel",
    "push_subscribe",
    alert_settings.push_subscribe,
    methods=["POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/pemberitahuan/ponsel/hapus",
    "push_unsubscribe",
    alert_settings.push_unsubscribe,
    methods=["POST"],
)

# group_number_views.py: verifying the group's own WhatsApp number
bp.add_url_rule(
    "/kelola/<slug>/nomor-whatsapp",
    "whatsapp_number",
    group_number_views.whatsapp_number,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/nomor-whatsapp/kirim-kode",
    "send_whatsapp_code",
    group_number_views.send_whatsapp_code,
    methods=["POST"],
)

# verification.py: the group's verification documents
bp.add_url_rule(
    "/kelola/<slug>/verifikasi", "verification", verification.verification, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/kelola/<slug>/verifikasi/dokumen/<int:document_id>",
    "document_file",
    verification.document_file,
    methods=["GET"],
)
bp.add_url_rule(
    "/kelola/<slug>/verifikasi/dokumen/<int:document_id>/hapus",
    "delete_document",
    verification.delete_document,
    methods=["POST"],
)
bp.add_url_rule(
    "/kelola/<slug>/verifikasi/tinjau-ulang",
    "request_review",
    verification.request_review,
    methods=["POST"],
)

# Hooks and template helpers of the blueprint
bp.app_errorhandler(GroupSuspended)(views.group_suspended)
bp.app_context_processor(views.my_memberships)
