"""Creating a group, its profile, bank accounts, members and invitations."""

from datetime import timedelta

from sqlalchemy import select

from shop.db import utcnow
from shop.extensions import db
from shop.groups.models import BankAccount, Group, Invitation, Membership, Role
from tests.factories import (
    BankAccountFactory,
    GroupFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
)

PROFILE = {
    "name": "Kelompok Lele Sejahtera",
    "programme": "jps-tkm",
    "province": "33",
    "regency": "33.09",
    "district": "33.09.01",
    "story": "Kami mengolah lele menjadi abon.",
    "founded_year": "2021",
    "member_count": "20",
    "whatsapp": "0812-1111-2222",
    "pickup_address": "Jl. Merapi 1, Selo",
    "accepts_transfer": "y",
    "accepts_cash": "y",
    "offers_pickup": "y",
}


def test_create_group_makes_creator_ketua(client, login_as):
    user = login_as(UserFactory())
    response = client.post("/kelola/kelompok-baru", data=PROFILE)
    assert response.status_code == 302
    group = db.session.scalar(select(Group).where(Group.name == "Kelompok Lele Sejahtera"))
    assert group.slug == "kelompok-lele-sejahtera"
    assert group.whatsapp == "+6281211112222"
    assert group.district_code == "33.09.01"
    membership = db.session.scalar(select(Membership).where(Membership.group_id == group.id))
    assert membership.user_id == user.id and membership.role is Role.LEADER
    assert response.headers["Location"].endswith(f"/kelola/{group.slug}")


def test_region_refresh_without_js_saves_nothing_and_fills_regencies(client, login_as):
    login_as(UserFactory())
    response = client.post(
        "/kelola/kelompok-baru",
        data={**PROFILE, "regency": "", "district": "", "region_refresh": "y"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Kabupaten Boyolali" in body
    assert db.session.scalar(select(Group).where(Group.name == PROFILE["name"])) is None


def test_regency_outside_province_is_refused(client, login_as):
    login_as(UserFactory())
    response = client.post(
        "/kelola/kelompok-baru", data={**PROFILE, "province": "15", "district": ""}
    )
    assert response.status_code == 200
    assert db.session.scalar(select(Group).where(Group.name == PROFILE["name"])) is None


def test_group_needs_a_payment_and_a_delivery_method(client, login_as):
    login_as(UserFactory())
    data = {k: v for k, v in PROFILE.items() if not k.startswith(("accepts", "offers"))}
    response = client.post("/kelola/kelompok-baru", data=data)
    body = response.get_data(as_text=True)
    assert "Pilih setidaknya satu cara pembayaran." in body
    assert "Pilih setidaknya satu cara menyerahkan pesanan." in body


def test_hostile_text_is_stored_as_text_and_escaped(client, login_as):
    login_as(UserFactory())
    evil = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
    client.post("/kelola/kelompok-baru", data={**PROFILE, "name": "Lele " + evil, "story": evil})
    group = db.session.scalar(select(Group).where(Group.name.like("Lele%")))
    page = client.get(f"/k/{group.slug}").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page


def test_only_ketua_edits_profile(client, login_as):
    membership = MembershipFactory(role=Role.MEMBER)
    login_as(membership.user)
    slug = membership.group.slug
    assert client.get(f"/kelola/{slug}").status_code == 200
    assert client.get(f"/kelola/{slug}/profil").status_code == 403
    assert client.post(f"/kelola/{slug}/profil", data=PROFILE).status_code == 403
    assert client.get(f"/kelola/{slug}/anggota").status_code == 403
    assert client.get(f"/kelola/{slug}/rekening").status_code == 403


def test_other_groups_pages_are_404(client, login_as):
    mine = MembershipFactory()
    other = MembershipFactory()
    login_as(mine.user)
    slug = other.group.slug
    for url in (
        f"/kelola/{slug}",
        f"/kelola/{slug}/profil",
        f"/kelola/{slug}/anggota",
        f"/kelola/{slug}/rekening",
        f"/kelola/{slug}/produk/baru",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/kelola/{slug}/profil", data=PROFILE).status_code == 404
    assert client.post(f"/kelola/{slug}/undangan").status_code == 404


def test_profile_edit_keeps_slug(client, login_as):
    membership = MembershipFactory()
    login_as(membership.user)
    group = membership.group
    old_slug = group.slug
    response = client.post(f"/kelola/{old_slug}/profil", data={**PROFILE, "name": "Nama Baru"})
    assert response.status_code == 302
    db.session.refresh(group)
    assert group.name == "Nama Baru" and group.slug == old_slug


def test_bank_accounts_add_and_remove(client, login_as):
    membership = MembershipFactory()
    login_as(membership.user)
    slug = membership.group.slug
    response = client.post(
        f"/kelola/{slug}/rekening",
        data={
            "bank_name": "BRI",
            "account_number": "1234-01-000123-50-1",
            "account_holder": "Siti",
        },
    )
    assert response.status_code == 302
    account = db.session.scalar(
        select(BankAccount).where(BankAccount.group_id == membership.group_id)
    )
    assert account.bank_name == "BRI"
    bad = client.post(
        f"/kelola/{slug}/rekening",
        data={"bank_name": "BRI", "account_number": "abc", "account_holder": "Siti"},
    )
    assert "Gunakan angka saja" in bad.get_data(as_text=True)
    account_id = account.id
    client.post(f"/kelola/{slug}/rekening/{account_id}/hapus")
    assert db.session.scalar(select(BankAccount).filter_by(id=account_id)) is None


def test_cannot_remove_another_groups_bank_account(client, login_as):
    mine = MembershipFactory()
    theirs = MembershipFactory()
    account = BankAccountFactory(
        group=theirs.group, bank_name="BNI", account_number="123456", account_holder="X"
    )
    login_as(mine.user)
    response = client.post(f"/kelola/{mine.group.slug}/rekening/{account.id}/hapus")
    assert response.status_code == 404
    assert db.session.get(BankAccount, account.id) is not None


def _invite_link(client, slug):
    response = client.post(f"/kelola/{slug}/undangan", follow_redirects=True)
    body = response.get_data(as_text=True)
    start = body.index("/gabung/")
    return body[start : body.index('"', start)]


def test_invitation_link_lets_a_member_join_and_switch_groups(app, client, login_as):
    leader = MembershipFactory()
    other_group = MembershipFactory()
    login_as(leader.user)
    link = _invite_link(client, leader.group.slug)
    client.post("/keluar")

    login_as(other_group.user)
    assert "Bergabung" in client.get(link).get_data(as_text=True)
    response = client.post(link)
    assert response.status_code == 302
    membership = db.session.scalar(
        select(Membership).where(
            Membership.group_id == leader.group_id, Membership.user_id == other_group.user_id
        )
    )
    assert membership.role is Role.MEMBER
    dashboard = client.get("/kelola").get_data(as_text=True)
    assert leader.group.name in dashboard and other_group.group.name in dashboard


def test_expired_or_revoked_invitation_does_not_work(client, login_as):
    leader = MembershipFactory()
    login_as(leader.user)
    link = _invite_link(client, leader.group.slug)
    invitation = db.session.scalar(select(Invitation).where(Invitation.group_id == leader.group_id))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404


def test_ketua_removes_member_but_not_the_last_ketua(client, login_as):
    leader = MembershipFactory()
    member = MembershipFactory(group=leader.group, role=Role.MEMBER)
    login_as(leader.user)
    slug = leader.group.slug
    member_id = member.id
    client.post(f"/kelola/{slug}/anggota/{member_id}/hapus", data={"yakin": "1"})
    assert db.session.scalar(select(Membership).filter_by(id=member_id)) is None
    response = client.post(
        f"/kelola/{slug}/anggota/{leader.id}/hapus", data={"yakin": "1"}, follow_redirects=True
    )
    assert "setidaknya satu ketua" in response.get_data(as_text=True)
    assert db.session.get(Membership, leader.id) is not None


def test_public_group_page_and_directory(client):
    group = GroupFactory(name="Kelompok Rajut Lapas")
    assert client.get(f"/k/{group.slug}").status_code == 200
    assert "Kelompok Rajut Lapas" in client.get("/kelompok").get_data(as_text=True)
    assert client.get("/k/tidak-ada").status_code == 404


def test_renamed_group_is_found_by_its_new_name(client, login_as):
    from shop.catalogue.services import refresh_derived

    membership = MembershipFactory()
    product = ProductFactory(group=membership.group, name="Kerupuk Udang")
    VariantFactory(product=product)
    refresh_derived(product)
    login_as(membership.user)
    client.post(
        f"/kelola/{membership.group.slug}/profil", data={**PROFILE, "name": "Mawar Berduri"}
    )
    client.post("/keluar")
    assert "Kerupuk Udang" in client.get("/katalog?q=mawar").get_data(as_text=True)
