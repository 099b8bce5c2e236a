"""Coordinator verification pages: the groups in scope, the queue, a group's
page with its documents, and the decisions on it (verify, ask for changes,
suspend, reinstate, note). Every URL is a 404 outside the scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from shop.audit.models import AuditAction, AuditEntry
from shop.db import utcnow
from shop.extensions import db
from shop.groups.models import (
    GroupDocument,
    GroupStatus,
    Programme,
    Verification,
)
from shop.notify.models import OutboxMessage
from tests.factories import (
    PDF,
    GroupDocumentFactory,
    GroupFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
    stored_pdf,
)

BADGE = '<span aria-hidden="true">✓</span> Verified'


def add_document(group, key: str, title="SK Pembentukan Kelompok") -> GroupDocument:
    return GroupDocumentFactory(group=group, title=title, document=stored_pdf(key))


@pytest.fixture
def english(client):
    client.get("/bahasa/en")


@pytest.fixture
def signed_in(client, as_coordinator, jambi_uppka, english):
    return as_coordinator(jambi_uppka)


def jambi_group(**fields):
    return GroupFactory(
        programme=Programme.UPPKA,
        province_code="15",
        regency_code=fields.pop("regency_code", "15.71"),
        district_code=None,
        **fields,
    )


def emails_to(address: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)))


def audit_entries(group, action=None) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.group_id == group.id)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    return list(db.session.scalars(stmt))


# --- who gets in -----------------------------------------------------------


def urls_for(group, document_id):
    base = f"/koordinator/kelompok/{group.slug}"
    return [
        ("get", base),
        ("get", f"{base}/dokumen/{document_id}"),
        ("post", f"{base}/verifikasi"),
        ("post", f"{base}/minta-perbaikan"),
        ("post", f"{base}/tangguhkan"),
        ("post", f"{base}/aktifkan"),
        ("post", f"{base}/catatan"),
    ]


POST_DATA = {
    "changes-reason": "x",
    "suspend-reason": "x",
    "reinstate-reason": "x",
    "note-note": "x",
}


def test_every_page_and_action_is_404_outside_the_scope(
    client, as_coordinator, jambi_uppka, group_out_of_scope
):
    document = add_document(group_out_of_scope, "a" * 64)
    as_coordinator(jambi_uppka)
    for method, url in urls_for(group_out_of_scope, document.id):
        response = (
            getattr(client, method)(url, data=POST_DATA) if method == "post" else client.get(url)
        )
        assert response.status_code == 404, url
    db.session.refresh(group_out_of_scope)
    assert group_out_of_scope.verification is Verification.UNVERIFIED
    assert group_out_of_scope.status is GroupStatus.ACTIVE
    assert audit_entries(group_out_of_scope) == []
    # The lists do not show it either.
    for url in ("/koordinator/kelompok", "/koordinator/verifikasi"):
        assert group_out_of_scope.name not in client.get(url).get_data(as_text=True)


def test_every_page_and_action_is_404_for_people_who_are_not_coordinators(
    client, login_as, group_in_scope
):
    document = add_document(group_in_scope, "b" * 64)
    # Even the group's own ketua: these are coordinator pages.
    login_as(MembershipFactory(group=group_in_scope).user)
    urls = urls_for(group_in_scope, document.id)
    urls += [("get", "/koordinator/kelompok"), ("get", "/koordinator/verifikasi")]
    for method, url in urls:
        response = (
            getattr(client, method)(url, data=POST_DATA) if method == "post" else client.get(url)
        )
        assert response.status_code == 404, url
    db.session.refresh(group_in_scope)
    assert group_in_scope.verification is Verification.UNVERIFIED
    assert group_in_scope.status is GroupStatus.ACTIVE


def test_anonymous_visitors_are_sent_to_log_in(client, group_in_scope):
    for url in (
        "/koordinator/kelompok",
        "/koordinator/verifikasi",
        f"/koordinator/kelompok/{group_in_scope.slug}",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_unknown_action_is_404(client, signed_in, group_in_scope):
    response = client.post(f"/koordinator/kelompok/{group_in_scope.slug}/hapus-semua")
    assert response.status_code == 404


def test_another_groups_document_under_this_groups_address_is_404(
    client, signed_in, group_in_scope, group_out_of_scope
):
    theirs = add_document(group_out_of_scope, "c" * 64)
    url = f"/koordinator/kelompok/{group_in_scope.slug}/dokumen/{theirs.id}"
    assert client.get(url).status_code == 404


def test_operator_sees_every_group(client, as_coordinator, operator, english, group_out_of_scope):
    as_coordinator(operator)
    assert client.get(f"/koordinator/kelompok/{group_out_of_scope.slug}").status_code == 200
    jambi_group(name="Kelompok Kedua")
    page = client.get("/koordinator/kelompok").get_data(as_text=True)
    assert group_out_of_scope.name in page and "Kelompok Kedua" in page
    assert "1–2 of 2 groups" in page
    queue = client.get("/koordinator/verifikasi").get_data(as_text=True)
    assert "2 groups waiting" in queue


# --- the groups list -------------------------------------------------------


def test_groups_list_filters(client, signed_in, group_out_of_scope):
    verified = jambi_group(name="Kelompok Kerupuk Verif", verification=Verification.VERIFIED)
    suspended = jambi_group(name="Kelompok Tangguh", status=GroupStatus.SUSPENDED)
    muaro = jambi_group(name="Kelompok Muaro Jambi", regency_code="15.05")
    plain = jambi_group(name="Kelompok Abon Lele")

    def names(query=""):
        page = client.get(f"/koordinator/kelompok{query}").get_data(as_text=True)
        return {
            g.name
            for g in (verified, suspended, muaro, plain, group_out_of_scope)
            if g.name in page
        }

    assert names() == {verified.name, suspended.name, muaro.name, plain.name}
    assert names("?q=abon") == {plain.name}
    assert names("?q=KERUPUK") == {verified.name}
    assert names("?verifikasi=verified") == {verified.name}
    assert names("?status=suspended") == {suspended.name}
    assert names("?provinsi=15&kabupaten=15.05") == {muaro.name}
    assert names("?program=uppka&provinsi=15") == {
        verified.name,
        suspended.name,
        muaro.name,
        plain.name,
    }
    # Outside the scope stays outside, whatever the filters say.
    assert names("?program=jps-tkm") == set()
    assert names("?provinsi=32") == names()
    # A province outside the scope is not offered as a choice.
    page = client.get("/koordinator/kelompok").get_data(as_text=True)
    assert 'value="32"' not in page and 'value="15"' in page


@pytest.mark.parametrize(
    "query",
    ["?q=%27%3B+DROP+TABLE+grup", "?verifikasi=zzz&status=%00", "?page=-3", "?kabupaten=15.05"],
)
def test_groups_list_hostile_filters_never_fail(client, signed_in, group_in_scope, query):
    assert client.get(f"/koordinator/kelompok{query}").status_code == 200


def test_groups_list_paginates_with_a_bounded_number_of_queries(
    app, client, signed_in, count_queries
):
    for n in range(3):
        add_document(jambi_group(name=f"Kelompok Awal {n:02d}"), f"{n:064x}")
    with count_queries() as small:
        assert client.get("/koordinator/kelompok").status_code == 200
    for n in range(40):
        group = jambi_group(name=f"Kelompok Banyak {n:02d}")
        ProductFactory(group=group)
        if n % 3 == 0:
            add_document(group, f"{n + 100:064x}")
    with count_queries() as large:
        response = client.get("/koordinator/kelompok")
    assert response.status_code == 200
    assert large.count == small.count, large.statements
    assert large.count <= 8, large.statements
    page = response.get_data(as_text=True)
    assert "1–30 of 43 groups" in page
    assert 'rel="next"' in page
    second = client.get("/koordinator/kelompok?page=2").get_data(as_text=True)
    assert "31–43 of 43 groups" in second


# --- the queue -------------------------------------------------------------


def test_queue_lists_unverified_groups_longest_waiting_first(client, signed_in):
    now = utcnow()
    old = jambi_group(name="Kelompok Lama", created_at=now - timedelta(days=30))
    new = jambi_group(name="Kelompok Baru", created_at=now - timedelta(days=1))
    again = jambi_group(
        name="Kelompok Minta Ulang",
        created_at=now - timedelta(days=60),
        review_requested_at=now - timedelta(days=5),
        verification_note="Unggah SK <b>asli</b>.",
    )
    jambi_group(name="Kelompok Sudah", verification=Verification.VERIFIED)
    jambi_group(name="Kelompok Perbaikan", verification=Verification.CHANGES_REQUESTED)
    jambi_group(name="Kelompok Ditangguhkan", status=GroupStatus.SUSPENDED)
    add_document(old, "d" * 64)
    add_document(old, "e" * 64, title="Foto")

    page = client.get("/koordinator/verifikasi").get_data(as_text=True)
    positions = [page.index(g.name) for g in (old, again, new)]
    assert positions == sorted(positions)
    for absent in ("Kelompok Sudah", "Kelompok Perbaikan", "Kelompok Ditangguhkan"):
        assert absent not in page.split("<main", 1)[1]
    assert "3 groups waiting" in page
    assert page.count("Asked for review again") == 1
    assert "Unggah SK &lt;b&gt;asli&lt;/b&gt;." in page
    assert "2 documents" in page
    assert "1 group is making the changes you asked for" in page


def test_empty_queue_says_so(client, signed_in):
    assert "No group is waiting for verification." in client.get(
        "/koordinator/verifikasi"
    ).get_data(as_text=True)


# --- the group page --------------------------------------------------------


def test_group_page_shows_profile_documents_products_notes_and_history(
    app, client, signed_in, group_in_scope, jambi_uppka
):
    MembershipFactory(group=group_in_scope)
    MembershipFactory(group=group_in_scope)
    document = add_document(group_in_scope, "f" * 64)
    ProductFactory(group=group_in_scope, name="Abon Lele Pedas")
    ProductFactory(group=group_in_scope, name="Kerupuk Draf", status="draft")
    url = f"/koordinator/kelompok/{group_in_scope.slug}"
    client.post(f"{url}/catatan", data={"note-note": "Sudah ditelepon, SK menyusul."})
    client.post(f"{url}/minta-perbaikan", data={"changes-reason": "Unggah SK."})

    page = client.get(url).get_data(as_text=True)
    assert f"<h1>{group_in_scope.name}</h1>" in page
    assert "2 accounts on the site" in page
    assert "12 declared" in page
    link = f"{url}/dokumen/{document.id}"
    assert f'href="{link}"' in page
    assert "/media/" not in page.split("<main", 1)[1]
    assert "Abon Lele Pedas" in page and "Kerupuk Draf" in page
    assert "Sudah ditelepon, SK menyusul." in page
    assert "Changes requested from group" in page  # the history
    served = client.get(link)
    assert served.status_code == 200 and served.data == PDF
    assert served.headers["Cache-Control"] == "private, no-store"
    # The product link appears only once the product page exists.
    if app.view_functions.get("coordinators.product"):
        assert "/koordinator/produk/" in page or "coordinators.product" not in page


def test_product_links_follow_the_product_page_when_it_exists(
    app, client, signed_in, group_in_scope
):
    product = ProductFactory(group=group_in_scope, name="Abon Lele Pedas")
    page = client.get(f"/koordinator/kelompok/{group_in_scope.slug}").get_data(as_text=True)
    if "coordinators.product" in app.view_functions:
        with app.test_request_context():
            from flask import url_for

            href = url_for("coordinators.product", product_id=product.id)
        assert f'href="{href}"' in page
    else:
        assert "<strong>Abon Lele Pedas</strong>" in page


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
