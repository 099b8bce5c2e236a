"""A group adds its static QRIS on its management side: from a photo of its
sticker or the pasted text, checked, shown for the ketua to confirm (no
JavaScript: a second form carries it), saved with an audit entry, removed.
What is not a static rupiah QRIS is refused with the reason and changes
nothing; other people's groups are a 404."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from shop.audit.models import AuditAction, AuditEntry
from shop.extensions import db
from shop.groups.models import Group, PaymentMethod, Role
from shop.groups.qris import with_amount
from tests.factories import GroupFactory, MembershipFactory
from tests.qris_samples import EWALLET, STICKER, replaced, sticker_photo


@pytest.fixture
def ketua(client, login_as):
    membership = MembershipFactory(role=Role.LEADER, group=GroupFactory(name="Kue Bu Siti"))
    login_as(membership.user)
    client.get("/bahasa/en")
    return membership


def page(slug: str, path: str = "") -> str:
    return f"/kelola/{slug}/qris{path}"


def check_text(client, slug, text):
    return client.post(page(slug), data={"payload": text}, content_type="multipart/form-data")


def check_photo(client, slug, data: bytes, name="stiker-qris.jpg"):
    """As a browser sends the form: the photo, and the text box left empty."""
    return client.post(
        page(slug),
        data={"photo": (io.BytesIO(data), name), "payload": ""},
        content_type="multipart/form-data",
    )


def hidden_payload(html: str) -> str:
    start = html.index('name="payload"')
    value = html.index('value="', start) + len('value="')
    return html[value : html.index('"', value)]


def group_of(membership) -> Group:
    return db.session.get(Group, membership.group_id)


def audit(group) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.group_id == group.id).order_by(AuditEntry.id)
        )
    )


def test_pasted_qris_is_shown_to_confirm_then_saved(client, ketua):
    slug = ketua.group.slug
    blank = client.get(page(slug)).get_data(as_text=True)
    assert "No QRIS yet." in blank and 'name="photo"' in blank and 'name="payload"' in blank

    checked = check_text(client, slug, f"\n {STICKER} \n")
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200
    assert "Is this your QRIS?" in html
    assert "KUE BU SITI JAMBI" in html and "JAMBI" in html and "ID1023251234567" in html
    # Nothing is saved before the ketua confirms.
    assert group_of(ketua).qris_payload is None
    assert audit(ketua.group) == []

    saved = client.post(page(slug, "/simpan"), data={"payload": hidden_payload(html)})
    assert saved.status_code == 303
    group = group_of(ketua)
    assert group.qris_payload == STICKER
    assert group.accepts_qris and PaymentMethod.QRIS in group.payment_methods
    [entry] = audit(group)
    assert entry.action is AuditAction.QRIS_SAVED
    assert entry.actor_id == ketua.user_id
    assert "KUE BU SITI JAMBI, JAMBI, NMID ID1023251234567" in entry.details
    shown = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Your QRIS is saved." in shown and "KUE BU SITI JAMBI" in shown

    # Another QRIS replaces it, and the log keeps both merchants.
    html = check_text(client, slug, EWALLET).get_data(as_text=True)
    assert "Warung Sop" in html and "Semarang" in html
    client.post(page(slug, "/simpan"), data={"payload": hidden_payload(html)})
    assert group_of(ketua).qris_payload == EWALLET
    last = audit(group)[-1]
    assert "Warung Sop, Semarang" in last.details and "was KUE BU SITI JAMBI" in last.details


def test_a_photo_of_the_sticker_is_read_on_the_server(client, ketua):
    checked = check_photo(client, ketua.group.slug, sticker_photo(STICKER))
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200
    assert "KUE BU SITI JAMBI" in html
    assert hidden_payload(html) == STICKER
    assert group_of(ketua).qris_payload is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (STICKER[:-1] + ("0" if STICKER[-1] != "0" else "1"), "damaged or incomplete"),
        (STICKER[:60], "This is not a QRIS code."),
        ("https://etalase.test/s/ABC", "This is not a QRIS code."),
        (replaced(STICKER, "53", "840"), "not for payments in rupiah in Indonesia"),
        (replaced(STICKER, "58", "MY"), "not for payments in rupiah in Indonesia"),
        (with_amount(STICKER, 50000), "for one payment"),
        ("0" * 600, "too long"),
        ("", "Choose a photo of your QRIS sticker, or paste the text of your QRIS."),
    ],
)
def test_what_is_not_a_static_qris_is_refused_with_the_reason(client, ketua, text, message):
    refused = check_text(client, ketua.group.slug, text)
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    assert "Is this your QRIS?" not in refused.get_data(as_text=True)
    assert group_of(ketua).qris_payload is None


def test_refused_photos(client, ketua):
    slug = ketua.group.slug
    white = io.BytesIO()
    Image.new("RGB", (900, 700), "white").save(white, "JPEG")
    no_code = check_photo(client, slug, white.getvalue())
    assert no_code.status_code == 422
    assert "We could not find a QR code in this photo." in no_code.get_data(as_text=True)

    link = check_photo(client, slug, sticker_photo("https://etalase.test/s/ABC"))
    assert link.status_code == 422
    assert "This is not a QRIS code." in link.get_data(as_text=True)

    not_a_photo = check_photo(client, slug, b"%PDF-1.4\n", name="qris.jpg")
    assert not_a_photo.status_code == 415
    assert group_of(ketua).qris_payload is None


def test_the_refusal_is_in_indonesian(client, ketua):
    client.get("/bahasa/id")
    refused = check_text(client, ketua.group.slug, replaced(STICKER, "53", "840"))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "not for payments" not in html
    assert "rupiah di Indonesia" in html


def test_a_confirmation_carrying_another_text_is_checked_again(client, ketua):
    slug = ketua.group.slug
    forged = client.post(page(slug, "/simpan"), data={"payload": replaced(STICKER, "53", "840")})
    assert forged.status_code == 422
    assert "not for payments in rupiah" in forged.get_data(as_text=True)
    assert group_of(ketua).qris_payload is None
    assert audit(ketua.group) == []


def test_removing_the_qris(client, ketua):
    slug = ketua.group.slug
    html = check_text(client, slug, STICKER).get_data(as_text=True)
    client.post(page(slug, "/simpan"), data={"payload": hidden_payload(html)})
    removed = client.post(page(slug, "/hapus"))
    assert removed.status_code == 303
    group = group_of(ketua)
    assert group.qris_payload is None and not group.accepts_qris
    assert PaymentMethod.QRIS not in group.payment_methods
    assert [e.action for e in audit(group)] == [AuditAction.QRIS_SAVED, AuditAction.QRIS_REMOVED]
    assert "No QRIS yet." in client.get(page(slug)).get_data(as_text=True)


def test_other_groups_are_a_404_and_members_are_refused(client, login_as, ketua):
    other = GroupFactory(qris_payload=STICKER, accepts_qris=True)
    for path, method in (("", "get"), ("", "post"), ("/simpan", "post"), ("/hapus", "post")):
        data = {"payload": STICKER} if method == "post" else None
        answer = getattr(client, method)(page(other.slug, path), data=data)
        assert answer.status_code == 404, path
    assert db.session.get(Group, other.id).qris_payload == STICKER

    member = MembershipFactory(group=ketua.group, role=Role.MEMBER)
    client.post("/keluar")
    login_as(member.user)
    assert client.get(page(ketua.group.slug)).status_code == 403
    assert check_text(client, ketua.group.slug, STICKER).status_code == 403


def test_a_post_without_csrf_changes_nothing(client, ketua):
    slug = ketua.group.slug
    answer = client.post(page(slug, "/simpan"), data={"payload": STICKER}, csrf=False)
    assert answer.status_code == 400
    assert group_of(ketua).qris_payload is None


def test_the_profile_offers_qris_once_there_is_one(client, ketua):
    profile = client.get(f"/kelola/{ketua.group.slug}/profil").get_data(as_text=True)
    assert 'name="accepts_qris"' in profile
    assert "Buyers are offered QRIS once your group has added its QRIS" in profile
