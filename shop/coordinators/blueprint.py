"""The URL map of the coordinators blueprint (under /koordinator): every rule in one place.

The view modules hold the functions with their own decorators (login, rate
limits, CSRF exemptions, page cache) and import nothing from here.
"""

from __future__ import annotations

from flask import Blueprint

from shop.coordinators import nav
from shop.coordinators.compliance import views as compliance
from shop.coordinators.members import views as members
from shop.coordinators.verification import views as verification

bp = Blueprint("coordinators", __name__, url_prefix="/koordinator")

# compliance/views.py: certificates and moderation
bp.add_url_rule("/produk/<int:product_id>", "product", compliance.product, methods=["GET"])
bp.add_url_rule(
    "/produk/<int:product_id>/sertifikat/<kind>",
    "check_certificate",
    compliance.check_certificate,
    methods=["POST"],
)
bp.add_url_rule(
    "/produk/<int:product_id>/sertifikat/<kind>/hapus",
    "remove_certificate",
    compliance.remove_certificate,
    methods=["POST"],
)
bp.add_url_rule(
    "/produk/<int:product_id>/sembunyikan",
    "hide_product",
    compliance.hide_product,
    methods=["POST"],
)
bp.add_url_rule(
    "/produk/<int:product_id>/pulihkan",
    "restore_product",
    compliance.restore_product,
    methods=["POST"],
)
bp.add_url_rule("/sertifikat", "certificates", compliance.certificates, methods=["GET"])
bp.add_url_rule("/moderasi", "moderation", compliance.moderation, methods=["GET"])

# verification/views.py: group verification
bp.add_url_rule("/kelompok", "groups", verification.groups, methods=["GET"])
bp.add_url_rule("/verifikasi", "queue", verification.queue, methods=["GET"])
bp.add_url_rule("/kelompok/<slug>", "group", verification.group, methods=["GET"])
bp.add_url_rule(
    "/kelompok/<slug>/<action>", "group_action", verification.group_action, methods=["POST"]
)
bp.add_url_rule(
    "/kelompok/<slug>/dokumen/<int:document_id>",
    "group_document",
    verification.group_document,
    methods=["GET"],
)

# members/views.py: a group's members and a one-time password reset link
bp.add_url_rule("/kelompok/<slug>/anggota", "members", members.members, methods=["GET"])
bp.add_url_rule(
    "/kelompok/<slug>/anggota/<int:user_id>/tautan-reset",
    "member_reset_link",
    members.member_reset_link,
    methods=["POST"],
)

# Hooks and template helpers of the blueprint
bp.add_app_template_global(nav.is_coordinator, "is_coordinator")
bp.app_context_processor(nav.coordinator_nav)
bp.add_app_template_global(compliance._certificate_day, "certificate_day")
bp.add_app_template_global(verification._verification_text, "verification_text")
