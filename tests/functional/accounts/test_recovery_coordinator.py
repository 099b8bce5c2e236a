"""A coordinator makes a one-time reset link for a member of a group in scope:
shown once, shared by WhatsApp, audited; 404 for anything outside scope."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from shop.audit.models import AuditAction, AuditEntry
from shop.extensions import db
from shop.groups.models import Programme, Role
from tests.factories import (
    PASSWORD,
    CoordinatorFactory,
    GroupFactory,
    MembershipFactory,
    UserFactory,
)
from tests.functional.accounts.recovery_support import (  # noqa: F401  (fixtures)
    NEW_PASSWORD,
    _english,
    _recovery_limits,
    codes_of,
)

LINK_RE = re.compile(r'id="reset-link"[^>]*value="([^"]+)"')


@pytest.fixture
def scene(app_ctx):
    coordinator = CoordinatorFactory(programmes=[Programme.UPPKA], regions=["15"])
    group = GroupFactory(programme=Programme.UPPKA, province_code="15", slug="lele-sejahtera")
    member = UserFactory(name="Ibu Ratna", phone="+6285711112222", email=None)
    MembershipFactory(group=group, user=member, role=Role.MEMBER)
    outside = GroupFactory(programme=Programme.JPS_TKM, province_code="32", slug="jps-bandung")
    stranger = UserFactory(name="Pak Dadang")
    MembershipFactory(group=outside, user=stranger)
    db.session.commit()
    return {
        "coordinator": coordinator,
        "group": group,
        "member": member,
        "outside": outside,
        "stranger": stranger,
    }


def _link_url(group, user) -> str:
    return f"/koordinator/kelompok/{group.slug}/anggota/{user.id}/tautan-reset"


def _make_link(client, group, user) -> tuple[int, str]:
    response = client.post(_link_url(group, user))
    match = LINK_RE.search(response.get_data(as_text=True))
    return response.status_code, match.group(1) if match else ""


def test_coordinator_makes_a_link_the_member_uses(app, client, login_as, scene):
    group, member = scene["group"], scene["member"]
    login_as(scene["coordinator"].user)
    group_page = client.get(f"/koordinator/kelompok/{group.slug}").get_data(as_text=True)
    assert f"/koordinator/kelompok/{group.slug}/anggota" in group_page

    members = client.get(f"/koordinator/kelompok/{group.slug}/anggota")
    assert members.status_code == 200
    text = members.get_data(as_text=True)
    assert "Ibu Ratna" in text
    assert _link_url(group, member) in text

    response = client.post(_link_url(group, member))
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    page = response.get_data(as_text=True)
    link = LINK_RE.search(page).group(1)
    assert link.startswith("http://etalase.test/lupa-sandi/tautan/")
    # "Send by WhatsApp" opens a chat with the member, the link in the text.
    wa = re.search(r'href="(https://wa\.me/6285711112222\?text=[^"]+)"', page)
    assert wa and link in unquote(wa.group(1))
    assert codes_of(member)[-1].created_by_id == scene["coordinator"].user_id

    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == AuditAction.RESET_LINK_CREATED)
    )
    assert entry.group_id == group.id
    assert entry.subject == "Ibu Ratna"
    assert entry.actor_id == scene["coordinator"].user_id

    # The member opens the link on her phone and sets a new password.
    phone = app.test_client()
    path = link.removeprefix("http://etalase.test")
    assert phone.get(path).status_code == 200
    done = phone.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    assert done.headers["Location"] == f"/kelola/{group.slug}"  # her group's page
    assert phone.get("/akun/sandi").status_code == 200
    assert phone.get(path).status_code == 404
    fresh = app.test_client()
    assert (
        fresh.post("/masuk", data={"login": member.phone, "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_a_new_link_replaces_the_old(client, login_as, scene):
    group, member = scene["group"], scene["member"]
    login_as(scene["coordinator"].user)
    _status, first = _make_link(client, group, member)
    _status, second = _make_link(client, group, member)
    assert first and second and first != second
    assert client.get(first.removeprefix("http://etalase.test")).status_code == 404
    assert client.get(second.removeprefix("http://etalase.test")).status_code == 200


def test_outside_the_scope_is_404(client, login_as, scene):
    login_as(scene["coordinator"].user)
    outside, stranger = scene["outside"], scene["stranger"]
    assert client.get(f"/koordinator/kelompok/{outside.slug}/anggota").status_code == 404
    assert client.post(_link_url(outside, stranger)).status_code == 404
    # A person of another group, through a group in scope.
    assert client.post(_link_url(scene["group"], stranger)).status_code == 404
    assert codes_of(stranger) == []


def test_no_link_for_another_coordinator(client, login_as, scene):
    group = scene["group"]
    colleague = CoordinatorFactory(programmes=[Programme.UPPKA])
    MembershipFactory(group=group, user=colleague.user)
    db.session.commit()
    login_as(scene["coordinator"].user)
    assert client.post(_link_url(group, colleague.user)).status_code == 404
    assert codes_of(colleague.user) == []


def test_members_and_visitors_get_404(client, login_as, scene):
    group, member = scene["group"], scene["member"]
    assert client.get(f"/koordinator/kelompok/{group.slug}/anggota").status_code == 302
    login_as(member, PASSWORD)
    assert client.get(f"/koordinator/kelompok/{group.slug}/anggota").status_code == 404
    assert client.post(_link_url(group, member)).status_code == 404


def test_the_members_page_needs_no_query_per_member(client, login_as, scene, count_queries):
    group = scene["group"]
    login_as(scene["coordinator"].user)
    client.get(f"/koordinator/kelompok/{group.slug}/anggota")
    with count_queries() as few:
        client.get(f"/koordinator/kelompok/{group.slug}/anggota")
    for n in range(5):
        MembershipFactory(group=group, user=UserFactory(name=f"Anggota baru {n}"))
    db.session.commit()
    with count_queries() as many:
        page = client.get(f"/koordinator/kelompok/{group.slug}/anggota")
    assert "Anggota baru 4" in page.get_data(as_text=True)
    assert many.count == few.count
