"""Coordinator verification decisions on a group in scope: verify, ask for
changes, suspend, reinstate, note; each recorded in the audit log, e-mailed
to the members where it concerns them, refused with a message when it does
not apply."""

from __future__ import annotations

import pytest

from shop.audit.models import AuditAction
from shop.db import utcnow
from shop.extensions import db
from shop.groups.models import (
    GroupStatus,
    Verification,
)
from tests.factories import (
    MembershipFactory,
    ProductFactory,
    UserFactory,
)
from tests.functional.coordinators.verification_pages import (  # noqa: F401
    BADGE,
    audit_entries,
    emails_to,
    english_fixture,
    signed_in_fixture,
)

# --- decisions -------------------------------------------------------------


@pytest.fixture
def members_with_email(group_in_scope):
    ketua = MembershipFactory(group=group_in_scope, user=UserFactory(email="ketua@example.test"))
    MembershipFactory(group=group_in_scope, user=UserFactory(email="anggota@example.test"))
    MembershipFactory(group=group_in_scope)  # no email: no message
    return ketua


def test_verify_marks_the_group_records_emails_and_shows_the_badge(
    app, client, signed_in, jambi_uppka, group_in_scope, members_with_email
):
    product = ProductFactory(group=group_in_scope, name="Abon Lele Juara")
    from shop.catalogue.services import refresh_derived
    from tests.factories import VariantFactory

    VariantFactory(product=product)
    refresh_derived(product)
    visitor = app.test_client()
    visitor.get("/bahasa/en")  # a language cookie only: pages are still cached for it
    shop_url = f"/k/{group_in_scope.slug}"
    assert BADGE not in visitor.get(shop_url).get_data(as_text=True)  # now cached

    response = client.post(f"/koordinator/kelompok/{group_in_scope.slug}/verifikasi")
    assert response.status_code == 303
    db.session.refresh(group_in_scope)
    assert group_in_scope.verification is Verification.VERIFIED
    assert group_in_scope.verified_at is not None

    (entry,) = audit_entries(group_in_scope)
    assert entry.action is AuditAction.GROUP_VERIFIED
    assert entry.actor_id == jambi_uppka.user_id

    (mail,) = emails_to("ketua@example.test")
    assert group_in_scope.name in mail.subject
    assert f"http://etalase.test/k/{group_in_scope.slug}" in mail.body_text
    assert len(emails_to("anggota@example.test")) == 1

    # The visitor sees the badge at once (the page cache moved on): on the
    # group page, its card in the directory and its product cards.
    for url in (shop_url, "/kelompok", "/katalog"):
        assert BADGE in visitor.get(url).get_data(as_text=True), url

    page = client.get(f"/koordinator/kelompok/{group_in_scope.slug}").get_data(as_text=True)
    assert "The group is verified. Its members have been told." in page
    assert "Verify this group" not in page


def test_verify_twice_is_refused_with_a_message(client, signed_in, group_in_scope):
    group_in_scope.verification = Verification.VERIFIED
    db.session.flush()
    response = client.post(
        f"/koordinator/kelompok/{group_in_scope.slug}/verifikasi", follow_redirects=True
    )
    assert "This group is already verified." in response.get_data(as_text=True)
    assert audit_entries(group_in_scope) == []


def test_a_suspended_group_is_reinstated_before_it_is_verified(client, signed_in, group_in_scope):
    group_in_scope.status = GroupStatus.SUSPENDED
    db.session.flush()
    response = client.post(
        f"/koordinator/kelompok/{group_in_scope.slug}/verifikasi", follow_redirects=True
    )
    assert "Reinstate it before verifying it." in response.get_data(as_text=True)
    db.session.refresh(group_in_scope)
    assert group_in_scope.verification is Verification.UNVERIFIED


def test_request_changes_needs_a_reason_and_shows_it_to_the_group(
    client, login_as, signed_in, group_in_scope, members_with_email
):
    url = f"/koordinator/kelompok/{group_in_scope.slug}/minta-perbaikan"
    response = client.post(url, data={"changes-reason": "   "})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give a reason: the group reads it." in page
    assert '<details class="decision" open>' in page
    db.session.refresh(group_in_scope)
    assert group_in_scope.verification is Verification.UNVERIFIED
    assert emails_to("ketua@example.test") == []

    hostile = "Foto SK buram <script>alert('x')</script>"
    assert client.post(url, data={"changes-reason": hostile}).status_code == 303
    db.session.refresh(group_in_scope)
    assert group_in_scope.verification is Verification.CHANGES_REQUESTED
    assert group_in_scope.verification_note == hostile
    (entry,) = audit_entries(group_in_scope, AuditAction.GROUP_CHANGES_REQUESTED)
    assert entry.reason == hostile
    (mail,) = emails_to("ketua@example.test")
    assert hostile in mail.body_text
    assert "<script>" not in mail.body_html and "&lt;script&gt;" in mail.body_html
    assert "/kelola/" in mail.body_text and "/verifikasi" in mail.body_text

    # Twice in a row: refused, the group has not answered the first yet.
    response = client.post(url, data={"changes-reason": "Lagi"}, follow_redirects=True)
    assert "Changes are already requested" in response.get_data(as_text=True)

    # The group reads it on its page, escaped.
    client.post("/keluar")
    login_as(members_with_email.user)
    client.get("/bahasa/en")
    page = client.get(f"/kelola/{group_in_scope.slug}/verifikasi").get_data(as_text=True)
    assert "Foto SK buram &lt;script&gt;" in page
    assert "<script>alert" not in page


def test_changes_requested_of_a_verified_group_remove_the_badge(
    app, client, signed_in, group_in_scope
):
    group_in_scope.verification = Verification.VERIFIED
    group_in_scope.verified_at = utcnow()
    db.session.flush()
    visitor = app.test_client()
    visitor.get("/bahasa/en")
    assert BADGE in visitor.get(f"/k/{group_in_scope.slug}").get_data(as_text=True)
    client.post(
        f"/koordinator/kelompok/{group_in_scope.slug}/minta-perbaikan",
        data={"changes-reason": "SK kedaluwarsa."},
    )
    assert BADGE not in visitor.get(f"/k/{group_in_scope.slug}").get_data(as_text=True)


def test_review_request_then_verify_settles_it(client, signed_in, group_in_scope):
    group_in_scope.review_requested_at = utcnow()
    group_in_scope.verification_note = "Unggah SK."
    db.session.flush()
    client.post(f"/koordinator/kelompok/{group_in_scope.slug}/verifikasi")
    db.session.refresh(group_in_scope)
    assert group_in_scope.verification is Verification.VERIFIED
    assert group_in_scope.review_requested_at is None
    assert group_in_scope.verification_note == ""


def test_suspend_needs_a_reason_then_hides_the_group_and_reinstate_brings_it_back(
    app, client, signed_in, group_in_scope, members_with_email
):
    base = f"/koordinator/kelompok/{group_in_scope.slug}"
    response = client.post(f"{base}/tangguhkan", data={"suspend-reason": ""})
    assert response.status_code == 422
    assert "Give a reason: the group reads it." in response.get_data(as_text=True)
    db.session.refresh(group_in_scope)
    assert group_in_scope.status is GroupStatus.ACTIVE

    visitor = app.test_client()
    assert visitor.get(f"/k/{group_in_scope.slug}").status_code == 200
    response = client.post(f"{base}/tangguhkan", data={"suspend-reason": "Izin PIRT palsu."})
    assert response.status_code == 303
    db.session.refresh(group_in_scope)
    assert group_in_scope.status is GroupStatus.SUSPENDED
    assert group_in_scope.suspended_reason == "Izin PIRT palsu."
    assert group_in_scope.suspended_at is not None
    (entry,) = audit_entries(group_in_scope, AuditAction.GROUP_SUSPENDED)
    assert entry.reason == "Izin PIRT palsu."
    (mail,) = emails_to("ketua@example.test")
    assert "Izin PIRT palsu." in mail.body_text
    assert visitor.get(f"/k/{group_in_scope.slug}").status_code == 404

    response = client.post(
        f"{base}/tangguhkan", data={"suspend-reason": "lagi"}, follow_redirects=True
    )
    assert "This group is already suspended." in response.get_data(as_text=True)

    response = client.post(f"{base}/aktifkan", data={"reinstate-reason": ""})
    assert response.status_code == 303
    db.session.refresh(group_in_scope)
    assert group_in_scope.status is GroupStatus.ACTIVE
    assert group_in_scope.suspended_reason == ""
    assert len(audit_entries(group_in_scope, AuditAction.GROUP_REINSTATED)) == 1
    assert len(emails_to("ketua@example.test")) == 2
    assert visitor.get(f"/k/{group_in_scope.slug}").status_code == 200


def test_reinstating_an_active_group_is_refused(client, signed_in, group_in_scope):
    response = client.post(
        f"/koordinator/kelompok/{group_in_scope.slug}/aktifkan",
        data={"reinstate-reason": ""},
        follow_redirects=True,
    )
    assert "This group is not suspended." in response.get_data(as_text=True)
    assert audit_entries(group_in_scope) == []


def test_note_needs_text_and_stays_with_the_coordinators(
    client, signed_in, group_in_scope, members_with_email
):
    base = f"/koordinator/kelompok/{group_in_scope.slug}"
    response = client.post(f"{base}/catatan", data={"note-note": ""})
    assert response.status_code == 422
    assert "Write the note." in response.get_data(as_text=True)
    assert audit_entries(group_in_scope) == []

    client.post(f"{base}/catatan", data={"note-note": "Kunjungan <i>lapangan</i> 3 Maret."})
    (entry,) = audit_entries(group_in_scope, AuditAction.GROUP_NOTE)
    assert entry.details == "Kunjungan <i>lapangan</i> 3 Maret."
    assert emails_to("ketua@example.test") == []
    page = client.get(base).get_data(as_text=True)
    assert "Kunjungan &lt;i&gt;lapangan&lt;/i&gt; 3 Maret." in page


def test_actions_need_the_csrf_token(client, signed_in, group_in_scope):
    response = client.post(f"/koordinator/kelompok/{group_in_scope.slug}/verifikasi", csrf=False)
    assert response.status_code == 400
    db.session.refresh(group_in_scope)
    assert group_in_scope.verification is Verification.UNVERIFIED


def test_overlong_reason_is_a_form_error(client, signed_in, group_in_scope):
    response = client.post(
        f"/koordinator/kelompok/{group_in_scope.slug}/tangguhkan",
        data={"suspend-reason": "x" * 1001},
    )
    assert response.status_code == 422
    db.session.refresh(group_in_scope)
    assert group_in_scope.status is GroupStatus.ACTIVE
