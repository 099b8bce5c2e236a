"""A member's order alerts page: the role's defaults, saving a choice (a plain
form with CSRF), its effect on who gets the next alert, and other groups
closed to them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import func, select

from shop.extensions import db
from shop.groups.alert_choices import member_contacts
from shop.groups.models import AlertKind, MemberAlerts, Role
from shop.groups.services import remove_member
from tests.factories import GroupFactory, MembershipFactory, UserFactory

VERIFIED = datetime(2026, 11, 1, tzinfo=UTC)


def checked(page: str) -> set[str]:
    """The names of the ticked boxes."""
    boxes = re.findall(r"<input[^>]*>", page)
    return {
        re.search(r'name="([^"]+)"', box).group(1)
        for box in boxes
        if 'type="checkbox"' in box and " checked" in box
    }


def membership(role: Role, *, verified: bool = True, group=None):
    group = group or GroupFactory(name="Kelompok Abon Jambi", whatsapp="+6281277778888")
    user = UserFactory(phone_verified_at=VERIFIED if verified else None)
    return MembershipFactory(group=group, user=user, role=role)


def test_the_ketua_gets_every_alert_and_a_member_none_until_they_choose(client, login_as):
    ketua = membership(Role.LEADER)
    anggota = membership(Role.MEMBER, group=ketua.group)
    db.session.commit()
    url = f"/kelola/{ketua.group.slug}/pemberitahuan"

    login_as(ketua.user)
    page = client.get(url).get_data(as_text=True)
    assert "<h1>Pemberitahuan pesanan</h1>" in page
    assert checked(page) == {
        "whatsapp_new_order",
        "whatsapp_proof_sent",
        "whatsapp_paid",
        "whatsapp_cancelled",
    }
    client.post("/keluar")

    login_as(anggota.user)
    assert checked(client.get(url).get_data(as_text=True)) == set()


def test_a_member_opts_in_and_the_next_alert_follows_the_choice(client, login_as):
    anggota = membership(Role.MEMBER)
    db.session.commit()
    login_as(anggota.user)
    url = f"/kelola/{anggota.group.slug}/pemberitahuan"

    saved = client.post(url, data={"whatsapp_new_order": "y", "whatsapp_paid": "y"})

    assert saved.status_code == 302 and saved.headers["Location"] == url
    page = client.get(url).get_data(as_text=True)
    assert "Pilihan pemberitahuan Anda tersimpan." in page
    assert checked(page) == {"whatsapp_new_order", "whatsapp_paid"}
    [contact] = member_contacts([anggota.group_id])[anggota.group_id]
    assert contact.whatsapp == anggota.user.phone
    assert contact.whatsapp_kinds == {AlertKind.NEW_ORDER, AlertKind.PAID}

    # Unticking everything is a choice too (not the role's defaults again).
    client.post(url, data={})
    assert checked(client.get(url).get_data(as_text=True)) == set()
    [contact] = member_contacts([anggota.group_id])[anggota.group_id]
    assert contact.whatsapp_kinds == frozenset()


def test_a_post_without_the_token_changes_nothing(client, login_as):
    ketua = membership(Role.LEADER)
    db.session.commit()
    login_as(ketua.user)
    url = f"/kelola/{ketua.group.slug}/pemberitahuan"

    refused = client.post(url, data={}, csrf=False)

    assert refused.status_code == 400
    assert len(checked(client.get(url).get_data(as_text=True))) == 4


def test_an_unconfirmed_number_is_told_where_to_confirm_it(client, login_as):
    anggota = membership(Role.MEMBER, verified=False)
    db.session.commit()
    login_as(anggota.user)
    page = client.get(f"/kelola/{anggota.group.slug}/pemberitahuan").get_data(as_text=True)
    assert "belum dikonfirmasi" in page
    assert 'href="/akun#contact-heading"' in page


def test_the_page_in_english(client, login_as):
    ketua = membership(Role.LEADER)
    db.session.commit()
    login_as(ketua.user)
    client.get("/bahasa/en")
    page = client.get(f"/kelola/{ketua.group.slug}/pemberitahuan").get_data(as_text=True)
    assert "<h1>Order alerts</h1>" in page
    assert "Alerts I get on WhatsApp" in page


def test_another_groups_page_is_not_found(client, login_as):
    mine = membership(Role.LEADER)
    other = GroupFactory()
    db.session.commit()
    login_as(mine.user)
    assert client.get(f"/kelola/{other.slug}/pemberitahuan").status_code == 404
    assert client.post(f"/kelola/{other.slug}/pemberitahuan", data={}).status_code == 404


def test_a_removed_members_choices_go_with_them(client, login_as):
    ketua = membership(Role.LEADER)
    anggota = membership(Role.MEMBER, group=ketua.group)
    db.session.commit()
    login_as(anggota.user)
    client.post(f"/kelola/{anggota.group.slug}/pemberitahuan", data={"whatsapp_paid": "y"})
    assert db.session.scalar(select(func.count()).select_from(MemberAlerts)) == 1

    remove_member(ketua.group, anggota.id)
    db.session.commit()

    assert db.session.scalar(select(func.count()).select_from(MemberAlerts)) == 0
    assert member_contacts([ketua.group_id])[ketua.group_id][0].user_id == ketua.user_id
