"""The members page as a first-time ketua meets it: removing someone is
confirmed on a page of its own (no JavaScript), the group's only ketua can be
neither demoted nor removed, and the invitation link is shown again on a
reload instead of a new one being made."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from shop.extensions import db
from shop.groups.models import Invitation, Membership, Role
from tests.factories import InvitationFactory, MembershipFactory, UserFactory


def _exists(membership_id: int) -> bool:
    return db.session.get(Membership, membership_id) is not None


def _invitations(group) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Invitation).where(Invitation.group_id == group.id)
    )


def _link(html: str) -> str:
    return re.search(r'id="invite-link"[^>]*value="([^"]+)"', html).group(1)


def test_removing_a_member_is_confirmed_on_its_own_page(client, login_as):
    leader = MembershipFactory()
    member = MembershipFactory(
        group=leader.group, role=Role.MEMBER, user=UserFactory(name="Bu Tini")
    )
    login_as(leader.user)
    slug = leader.group.slug
    url = f"/kelola/{slug}/anggota/{member.id}/hapus"
    members = client.get(f"/kelola/{slug}/anggota").get_data(as_text=True)
    assert f'href="{url}"' in members  # a link to the question, not a button that removes

    page = client.get(url)
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Keluarkan Bu Tini dari" in body
    assert 'name="yakin" value="1"' in body and 'name="csrf_token"' in body
    assert _exists(member.id)

    # A post without the page's "yes" (an old page's button) asks too.
    assert client.post(url).status_code == 200
    assert _exists(member.id)

    member_id = member.id
    done = client.post(url, data={"yakin": "1"})
    assert done.status_code == 302 and done.headers["Location"] == f"/kelola/{slug}/anggota"
    assert not _exists(member_id)


def test_the_yes_needs_the_pages_token(client, login_as):
    leader = MembershipFactory()
    member = MembershipFactory(group=leader.group, role=Role.MEMBER)
    login_as(leader.user)
    url = f"/kelola/{leader.group.slug}/anggota/{member.id}/hapus"
    assert client.post(url, data={"yakin": "1"}, csrf=False).status_code == 400
    assert _exists(member.id)


def test_another_groups_member_is_404(client, login_as):
    leader = MembershipFactory()
    stranger = MembershipFactory(role=Role.MEMBER)
    login_as(leader.user)
    url = f"/kelola/{leader.group.slug}/anggota/{stranger.id}/hapus"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"yakin": "1"}).status_code == 404
    assert _exists(stranger.id)


def test_the_only_ketua_cannot_be_removed_or_demoted_and_is_told_why(client, login_as):
    leader = MembershipFactory(user=UserFactory(name="Pak Budi"))
    member = MembershipFactory(group=leader.group, role=Role.MEMBER)
    login_as(leader.user)
    slug = leader.group.slug

    members = client.get(f"/kelola/{slug}/anggota").get_data(as_text=True)
    assert "Satu-satunya ketua" in members
    assert f"/anggota/{leader.id}/hapus" not in members  # no leave link for them
    assert f"/anggota/{leader.id}/peran" not in members  # no "make anggota" button
    assert f"/anggota/{member.id}/hapus" in members

    question = client.get(f"/kelola/{slug}/anggota/{leader.id}/hapus").get_data(as_text=True)
    assert "satu-satunya ketua" in question and 'name="yakin"' not in question

    for url, data in (
        (f"/kelola/{slug}/anggota/{leader.id}/hapus", {"yakin": "1"}),
        (f"/kelola/{slug}/anggota/{leader.id}/peran", {"role": "anggota"}),
    ):
        answer = client.post(url, data=data, follow_redirects=True).get_data(as_text=True)
        assert "setidaknya satu ketua" in answer
        db.session.expire_all()
        assert db.session.get(Membership, leader.id).role is Role.LEADER


def test_with_two_ketua_one_may_step_down(client, login_as):
    leader = MembershipFactory()
    other = MembershipFactory(group=leader.group, role=Role.LEADER)
    login_as(leader.user)
    slug = leader.group.slug
    assert "Satu-satunya ketua" not in client.get(f"/kelola/{slug}/anggota").get_data(as_text=True)
    client.post(f"/kelola/{slug}/anggota/{other.id}/peran", data={"role": "anggota"})
    db.session.expire_all()
    assert db.session.get(Membership, other.id).role is Role.MEMBER
    # Now the only ketua: leaving is refused, nothing changes.
    client.post(f"/kelola/{slug}/anggota/{leader.id}/hapus", data={"yakin": "1"})
    assert _exists(leader.id)


def test_leaving_the_group_is_confirmed_too(client, login_as):
    leader = MembershipFactory()
    me = MembershipFactory(group=leader.group, role=Role.MEMBER)
    other_leader = MembershipFactory(group=leader.group, role=Role.LEADER)
    login_as(other_leader.user)
    leaving, staying = other_leader.id, me.id
    url = f"/kelola/{leader.group.slug}/anggota/{leaving}/hapus"
    assert "Keluar dari" in client.get(url).get_data(as_text=True)
    done = client.post(url, data={"yakin": "1"})
    assert done.headers["Location"] == "/kelola"
    assert not _exists(leaving) and _exists(staying)


def test_reloading_the_invitation_page_shows_the_same_link(client, login_as):
    leader = MembershipFactory()
    group = leader.group
    login_as(leader.user)
    made = client.post(f"/kelola/{group.slug}/undangan")
    assert made.status_code == 303 and made.headers["Location"] == f"/kelola/{group.slug}/undangan"
    first = client.get(made.headers["Location"]).get_data(as_text=True)
    link = _link(first)
    for _ in range(3):  # reloads
        again = client.get(f"/kelola/{group.slug}/undangan").get_data(as_text=True)
        assert _link(again) == link
    assert _invitations(group) == 1
    # The members page leads to it instead of offering to make another.
    members = client.get(f"/kelola/{group.slug}/anggota").get_data(as_text=True)
    assert f'href="/kelola/{group.slug}/undangan"' in members
    # The link works.
    client.post("/keluar")
    joiner = UserFactory()
    login_as(joiner)
    path = link.split("localhost", 1)[1]
    assert client.post(path).status_code == 302
    assert db.session.scalar(
        select(Membership).where(Membership.group_id == group.id, Membership.user_id == joiner.id)
    )


def test_a_new_link_is_made_only_by_asking(client, login_as):
    leader = MembershipFactory()
    group = leader.group
    login_as(leader.user)
    first = _link(
        client.post(f"/kelola/{group.slug}/undangan", follow_redirects=True).get_data(as_text=True)
    )
    page = client.get(f"/kelola/{group.slug}/undangan").get_data(as_text=True)
    assert "Buat tautan baru" in page
    second = _link(
        client.post(f"/kelola/{group.slug}/undangan", follow_redirects=True).get_data(as_text=True)
    )
    assert second != first and _invitations(group) == 2
    assert _link(client.get(f"/kelola/{group.slug}/undangan").get_data(as_text=True)) == second


def test_another_ketua_sees_the_link_a_ketua_made(client, login_as):
    leader = MembershipFactory()
    other = MembershipFactory(group=leader.group, role=Role.LEADER)
    login_as(leader.user)
    link = _link(
        client.post(f"/kelola/{leader.group.slug}/undangan", follow_redirects=True).get_data(
            as_text=True
        )
    )
    client.post("/keluar")
    login_as(other.user)
    assert _link(client.get(f"/kelola/{leader.group.slug}/undangan").get_data(as_text=True)) == link


def test_withdrawn_or_older_links_are_not_shown_again(client, login_as):
    leader = MembershipFactory()
    group = leader.group
    InvitationFactory(group=group)  # made before links were shown again: only a hash
    login_as(leader.user)
    page = client.get(f"/kelola/{group.slug}/undangan")
    assert page.status_code == 302 and page.headers["Location"].endswith("/anggota#undang")
    made = client.post(f"/kelola/{group.slug}/undangan", follow_redirects=True)
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.group_id == group.id).order_by(Invitation.id.desc())
    )
    assert _link(made.get_data(as_text=True))
    client.post(f"/kelola/{group.slug}/undangan/{invitation.id}/cabut")
    assert client.get(f"/kelola/{group.slug}/undangan").status_code == 302
    assert _invitations(group) == 2


def test_members_cannot_see_the_invitation_page(client, login_as):
    member = MembershipFactory(role=Role.MEMBER)
    stranger = MembershipFactory()
    login_as(member.user)
    assert client.get(f"/kelola/{member.group.slug}/undangan").status_code == 403
    assert client.get(f"/kelola/{stranger.group.slug}/undangan").status_code == 404
