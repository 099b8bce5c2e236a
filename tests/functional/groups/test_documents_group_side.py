"""The group's verification page: status and reasons in plain words, private
documents (upload, open, delete), and asking for review again."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from shop.db import utcnow
from shop.extensions import db
from shop.groups.documents import MAX_DOCUMENTS
from shop.groups.models import (
    DocumentKind,
    GroupDocument,
    GroupStatus,
    Role,
    Verification,
)
from shop.media.models import Document
from shop.media.models import Image as ImageRow
from tests.factories import (
    DocumentFactory,
    GroupDocumentFactory,
    GroupFactory,
    ImageFactory,
    MembershipFactory,
    UserFactory,
)

DOCS = Path(__file__).parents[2] / "fixtures" / "documents"
IMAGES = Path(__file__).parents[2] / "fixtures" / "images"


def jpeg_bytes(color=(40, 120, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def leader(client, login_as):
    membership = MembershipFactory(group=GroupFactory(name="Kelompok Abon Lele Mandiri"))
    login_as(membership.user)
    client.get("/bahasa/en")
    return membership


def _url(membership, tail=""):
    return f"/kelola/{membership.group.slug}/verifikasi{tail}"


def _upload(client, membership, data: bytes, name: str, kind="sk", title="SK Kepala Desa"):
    return client.post(
        _url(membership),
        data={"kind": kind, "title": title, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _media_files(app) -> set[str]:
    root = Path(app.config["MEDIA_ROOT"])
    return (
        {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
        if root.exists()
        else set()
    )


def test_every_group_page_shows_the_status_with_a_link(client, leader):
    for path in (f"/kelola/{leader.group.slug}", _url(leader)):
        page = client.get(path).get_data(as_text=True)
        assert "Not yet verified" in page
        assert f'href="/kelola/{leader.group.slug}/verifikasi"' in page


def test_unverified_group_is_told_what_to_upload(client, leader):
    page = client.get(_url(leader)).get_data(as_text=True)
    assert "<h2>Not yet verified</h2>" in page
    assert "upload your group decree (SK)" in page
    assert "Ask for review again" not in page
    assert "No documents yet." in page


def test_changes_requested_shows_the_note_escaped_and_the_review_button(client, leader):
    group = leader.group
    group.verification = Verification.CHANGES_REQUESTED
    group.verification_note = "Unggah SK yang ditandatangani <script>alert(1)</script>"
    db.session.flush()
    page = client.get(_url(leader)).get_data(as_text=True)
    assert "<h2>Changes requested</h2>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "Ask for review again" in page
    # The nav line on every group page says it too.
    home = client.get(f"/kelola/{group.slug}").get_data(as_text=True)
    assert "Changes requested" in home and "See why" in home


def test_ask_for_review_again_puts_the_group_back_in_the_queue(client, leader):
    group = leader.group
    group.verification = Verification.CHANGES_REQUESTED
    group.verification_note = "Foto kunjungan lapangan belum ada."
    db.session.flush()
    response = client.post(_url(leader, "/tinjau-ulang"))
    assert response.status_code == 303
    db.session.refresh(group)
    assert group.verification is Verification.UNVERIFIED
    assert group.review_requested_at is not None
    assert group.verification_note == "Foto kunjungan lapangan belum ada."
    page = client.get(_url(leader)).get_data(as_text=True)
    assert "You asked for another check on" in page
    assert "Ask for review again" not in page


@pytest.mark.parametrize("state", [Verification.UNVERIFIED, Verification.VERIFIED])
def test_review_cannot_be_asked_when_no_changes_were_requested(client, leader, state):
    group = leader.group
    group.verification = state
    db.session.flush()
    response = client.post(_url(leader, "/tinjau-ulang"), follow_redirects=True)
    assert "No changes were asked of your group" in response.get_data(as_text=True)
    db.session.refresh(group)
    assert group.verification is state
    assert group.review_requested_at is None


def test_suspended_group_sees_the_reason_and_that_orders_continue(client, leader):
    group = leader.group
    group.status = GroupStatus.SUSPENDED
    group.suspended_reason = "Produk tidak sesuai izin PIRT."
    group.suspended_at = utcnow()
    db.session.flush()
    page = client.get(_url(leader)).get_data(as_text=True)
    assert "Your group is suspended" in page
    assert "Produk tidak sesuai izin PIRT." in page
    assert "Orders already placed continue" in page
    home = client.get(f"/kelola/{group.slug}").get_data(as_text=True)
    assert "Suspended" in home


def test_verified_group_sees_the_badge_status(client, leader):
    leader.group.verification = Verification.VERIFIED
    leader.group.verified_at = utcnow()
    db.session.flush()
    page = client.get(_url(leader)).get_data(as_text=True)
    assert "verified your group on" in page


def test_upload_a_pdf_decree_then_open_it_privately(app, client, leader):
    pdf = (DOCS / "receipt.pdf").read_bytes()
    response = _upload(client, leader, pdf, "sk.pdf")
    assert response.status_code == 303
    document = db.session.scalar(select(GroupDocument))
    assert document.kind is DocumentKind.DECREE
    assert document.title == "SK Kepala Desa"
    assert document.document is not None and document.image is None
    assert document.uploaded_by_id == leader.user_id

    page = client.get(_url(leader)).get_data(as_text=True)
    link = f"/kelola/{leader.group.slug}/verifikasi/dokumen/{document.id}"
    assert f'href="{link}"' in page
    assert "SK Kepala Desa" in page
    assert "/media/" not in page.split("<main", 1)[1]  # never the raw media address

    served = client.get(link)
    assert served.status_code == 200
    assert served.mimetype == "application/pdf"
    assert served.data == pdf
    assert served.headers["Cache-Control"] == "private, no-store"
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_upload_a_field_visit_photo_is_reencoded_and_served_privately(client, leader):
    response = _upload(client, leader, jpeg_bytes(), "kunjungan.jpg", kind="kunjungan", title="")
    assert response.status_code == 303
    document = db.session.scalar(select(GroupDocument))
    assert document.image is not None and document.document is None
    page = client.get(_url(leader)).get_data(as_text=True)
    # No title given: the kind names it.
    assert "Field visit photo" in page
    served = client.get(f"/kelola/{leader.group.slug}/verifikasi/dokumen/{document.id}")
    assert served.mimetype == "image/webp"
    assert "no-store" in served.headers["Cache-Control"]
    thumb = client.get(f"/kelola/{leader.group.slug}/verifikasi/dokumen/{document.id}?ukuran=kecil")
    assert thumb.status_code == 200 and len(thumb.data) <= len(served.data)


def test_heic_photo_from_an_iphone_is_accepted(client, leader):
    response = _upload(client, leader, (IMAGES / "phone.heic").read_bytes(), "IMG_0001.HEIC")
    assert response.status_code == 303
    assert db.session.scalar(select(GroupDocument)).image is not None


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        ((DOCS / "hidden_javascript.pdf").read_bytes(), "sk.pdf", "contains scripts or actions"),
        ((DOCS / "encrypted.pdf").read_bytes(), "sk.pdf", "protected with a password"),
        ((DOCS / "truncated.pdf").read_bytes(), "sk.pdf", "damaged or incomplete"),
        ((IMAGES / "svg_script.svg").read_bytes(), "sk.jpg", "neither a photo nor a PDF"),
        ((IMAGES / "truncated.jpg").read_bytes(), "sk.jpg", "damaged or incomplete"),
        (b"", "sk.jpg", "The file is empty"),
        (b"MZ\x90\x00", "sk.exe", "Choose a photo (JPEG, PNG, WebP or HEIC) or a PDF."),
    ],
)
def test_bad_files_get_a_clear_message_and_change_nothing(app, client, leader, data, name, message):
    files_before = _media_files(app)
    images, documents = _count(ImageRow), _count(Document)
    response = _upload(client, leader, data, name)
    # Neither a photo nor a PDF is an unsupported type; the rest unreadable.
    assert response.status_code == (415 if "neither" in message else 422)
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page
    assert _count(GroupDocument) == 0
    assert (_count(ImageRow), _count(Document)) == (images, documents)
    assert _media_files(app) == files_before


def test_oversized_upload_is_refused(app, client, leader):
    app.config["UPLOAD_MAX_BYTES"] = 2000
    try:
        response = _upload(
            client, leader, (DOCS / "receipt.pdf").read_bytes() + b"\n" * 3000, "a.pdf"
        )
    finally:
        app.config["UPLOAD_MAX_BYTES"] = 12 * 1024 * 1024
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert _count(GroupDocument) == 0


def test_missing_file_and_bad_kind_are_form_errors(client, leader):
    response = client.post(
        _url(leader), data={"kind": "passport", "title": "x"}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose the photo or PDF to upload." in page
    assert "Not a valid choice" in page
    assert _count(GroupDocument) == 0


def test_overlong_title_is_a_form_error(client, leader):
    response = _upload(client, leader, jpeg_bytes(), "a.jpg", title="x" * 121)
    assert response.status_code == 422
    assert "Field cannot be longer than 120 characters." in response.get_data(as_text=True)
    assert _count(GroupDocument) == 0


def test_at_most_a_dozen_documents(client, leader):
    for n in range(MAX_DOCUMENTS):
        assert _upload(client, leader, jpeg_bytes((n, 10, 10)), f"{n}.jpg").status_code == 303
    page = client.get(_url(leader)).get_data(as_text=True)
    assert "the most it can keep" in page
    response = _upload(client, leader, jpeg_bytes((99, 99, 99)), "extra.jpg")
    assert response.status_code == 422
    assert "already has 12 documents" in response.get_data(as_text=True)
    assert _count(GroupDocument) == MAX_DOCUMENTS


def test_hostile_title_is_escaped(client, leader):
    _upload(client, leader, jpeg_bytes(), "a.jpg", title='<img src=x onerror="alert(1)">')
    page = client.get(_url(leader)).get_data(as_text=True)
    assert "&lt;img src=x onerror=" in page
    assert '<img src=x onerror="alert(1)">' not in page


def test_member_uploads_and_deletes_own_document_but_not_the_ketuas(client, login_as, leader):
    _upload(client, leader, jpeg_bytes(), "ketua.jpg", title="Dari ketua")
    theirs = db.session.scalar(select(GroupDocument))
    client.post("/keluar")
    member = MembershipFactory(group=leader.group, role=Role.MEMBER)
    login_as(member.user)
    client.get("/bahasa/en")
    assert client.get(_url(member)).status_code == 200
    assert (
        _upload(
            client, member, jpeg_bytes((1, 2, 3)), "anggota.jpg", title="Dari anggota"
        ).status_code
        == 303
    )
    mine = db.session.scalar(select(GroupDocument).where(GroupDocument.title == "Dari anggota"))
    mine_id, theirs_id = mine.id, theirs.id

    page = client.get(_url(member)).get_data(as_text=True)
    assert f"/verifikasi/dokumen/{mine.id}/hapus" in page
    assert f"/verifikasi/dokumen/{theirs.id}/hapus" not in page

    response = client.post(_url(member, f"/dokumen/{theirs.id}/hapus"), follow_redirects=True)
    assert "Only the ketua or the member who uploaded" in response.get_data(as_text=True)
    assert db.session.get(GroupDocument, theirs_id) is not None

    response = client.post(_url(member, f"/dokumen/{mine_id}/hapus"), follow_redirects=True)
    assert "The document has been deleted." in response.get_data(as_text=True)
    assert db.session.get(GroupDocument, mine_id) is None


def test_ketua_deletes_any_document(client, leader):
    other = MembershipFactory(group=leader.group, role=Role.MEMBER)
    document = GroupDocumentFactory(
        group=leader.group,
        kind=DocumentKind.OTHER,
        title="x",
        uploaded_by_id=other.user_id,
        image=ImageFactory(key="e" * 64, width=10, height=10, widths="320"),
    )
    document_id = document.id
    assert client.post(_url(leader, f"/dokumen/{document_id}/hapus")).status_code == 303
    assert db.session.get(GroupDocument, document_id) is None


def test_other_groups_documents_and_pages_are_404(client, login_as, leader):
    stranger_group = GroupFactory()
    theirs = GroupDocumentFactory(group=stranger_group, title="SK", document=DocumentFactory())
    mine = leader.group.slug
    # Their document under my group's address: not found.
    assert client.get(f"/kelola/{mine}/verifikasi/dokumen/{theirs.id}").status_code == 404
    assert client.post(f"/kelola/{mine}/verifikasi/dokumen/{theirs.id}/hapus").status_code == 404
    # Their group's pages: I am not a member.
    base = f"/kelola/{stranger_group.slug}/verifikasi"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/dokumen/{theirs.id}").status_code == 404
    assert client.post(f"{base}/dokumen/{theirs.id}/hapus").status_code == 404
    assert client.post(f"{base}/tinjau-ulang").status_code == 404
    assert (
        _upload(client, type("M", (), {"group": stranger_group})(), b"%PDF", "a.pdf").status_code
        == 404
    )
    assert db.session.get(GroupDocument, theirs.id) is not None


def test_logged_out_visitors_are_sent_to_log_in(client, app_ctx):
    group = GroupFactory()
    response = client.get(f"/kelola/{group.slug}/verifikasi")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_document_posts_need_the_csrf_token(client, leader):
    response = client.post(_url(leader, "/tinjau-ulang"), csrf=False)
    assert response.status_code == 400


def test_a_coordinator_who_is_not_a_member_cannot_use_the_group_pages(client, login_as):
    from tests.factories import CoordinatorFactory

    group = GroupFactory()
    login_as(CoordinatorFactory(is_operator=True).user)
    assert client.get(f"/kelola/{group.slug}/verifikasi").status_code == 404


def test_user_without_groups_gets_404(client, login_as):
    group = GroupFactory()
    login_as(UserFactory())
    assert client.get(f"/kelola/{group.slug}/verifikasi").status_code == 404
