"""Visit notes are read only by the group visited (its members), the
coordinators whose scope covers it and the operator: everyone else gets a
404 on every page, photo and button, exactly as for a visit that does not
exist."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shop.extensions import db
from shop.groups.models import GroupStatus, Programme, Role
from tests.factories import (
    CoordinatorFactory,
    FollowUpFactory,
    MembershipFactory,
    MonevVisitFactory,
    MonevVisitPhotoFactory,
    UserFactory,
)
from tests.functional.coordinators.visits.conftest import jpeg
from tests.uploads import store_ready


@pytest.fixture
def visit(group, today):
    image = store_ready(jpeg(30), private=True)
    visit = MonevVisitFactory(
        group=group, visited_on=today - timedelta(days=3), met="Bu Sari", finding_finance="RAHASIA"
    )
    FollowUpFactory(visit=visit, text="Saran rahasia", due_on=today + timedelta(days=3))
    MonevVisitPhotoFactory(visit=visit, image=image)
    db.session.flush()
    db.session.expire_all()
    return visit


def coordinator_urls(visit) -> list[str]:
    return [
        f"/koordinator/kelompok/{visit.group.slug}/kunjungan",
        f"/koordinator/kelompok/{visit.group.slug}/kunjungan/baru",
        f"/koordinator/kunjungan/{visit.id}",
        f"/koordinator/kunjungan/{visit.id}/ubah",
        f"/koordinator/kunjungan/{visit.id}/foto/{visit.photos[0].id}",
    ]


def group_urls(visit) -> list[str]:
    return [
        f"/kelola/{visit.group.slug}/monev",
        f"/kelola/{visit.group.slug}/monev/{visit.id}/foto/{visit.photos[0].id}",
    ]


def done_url(visit) -> str:
    return f"/kelola/{visit.group.slug}/monev/saran/{visit.follow_ups[0].id}/selesai"


@pytest.mark.parametrize("operator", [False, True])
def test_the_coordinator_in_scope_and_the_operator_read_it(
    client, login_as, coordinator, visit, operator
):
    who = CoordinatorFactory(is_operator=True) if operator else coordinator
    login_as(who.user)
    for url in coordinator_urls(visit):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "RAHASIA" in client.get(f"/koordinator/kunjungan/{visit.id}").get_data(as_text=True)
    assert "Saran rahasia" in client.get("/koordinator/tindak-lanjut").get_data(as_text=True)


def test_the_members_of_the_group_read_it(client, login_as, visit):
    member = MembershipFactory(group=visit.group, role=Role.MEMBER).user
    login_as(member)
    for url in group_urls(visit):
        assert client.get(url).status_code == 200, url
    assert "RAHASIA" in client.get(group_urls(visit)[0]).get_data(as_text=True)


@pytest.mark.parametrize(
    "who", ["other_programme", "other_region", "member_of_another_group", "buyer"]
)
def test_anyone_else_gets_404_everywhere(client, login_as, visit, elsewhere, who):
    user = {
        "other_programme": lambda: CoordinatorFactory(programmes=[Programme.JPS_TKM]).user,
        "other_region": lambda: CoordinatorFactory(regions=["32"]).user,
        "member_of_another_group": lambda: MembershipFactory(group=elsewhere).user,
        "buyer": lambda: UserFactory(),
    }[who]()
    login_as(user)
    for url in [*coordinator_urls(visit), *group_urls(visit)]:
        assert client.get(url).status_code == 404, url
    assert client.post(done_url(visit), data={}).status_code == 404
    assert client.post(coordinator_urls(visit)[3], data={"met": "x"}).status_code == 404
    assert "Saran rahasia" not in client.get("/koordinator/tindak-lanjut").get_data(as_text=True)


def test_a_member_is_not_a_coordinator(client, login_as, visit, ketua):
    login_as(ketua)
    for url in coordinator_urls(visit):
        assert client.get(url).status_code == 404, url


def test_a_coordinator_is_not_a_member(client, login_as, coordinator, visit):
    login_as(coordinator.user)
    for url in group_urls(visit):
        assert client.get(url).status_code == 404, url


def test_a_visit_of_another_group_through_this_groups_address_is_404(
    client, login_as, visit, elsewhere, today
):
    theirs = MonevVisitFactory(group=elsewhere)
    FollowUpFactory(visit=theirs)
    MonevVisitPhotoFactory(visit=theirs, image=visit.photos[0].image)
    db.session.flush()
    db.session.expire_all()
    member = MembershipFactory(group=visit.group).user
    login_as(member)
    slug = visit.group.slug
    assert (
        client.get(f"/kelola/{slug}/monev/{theirs.id}/foto/{theirs.photos[0].id}").status_code
        == 404
    )
    # A photo of this group's visit under another visit's number.
    assert (
        client.get(f"/kelola/{slug}/monev/{theirs.id}/foto/{visit.photos[0].id}").status_code == 404
    )
    assert (
        client.post(f"/kelola/{slug}/monev/saran/{theirs.follow_ups[0].id}/selesai").status_code
        == 404
    )


def test_logged_out_is_sent_to_log_in_and_sees_nothing(client, visit):
    for url in [*coordinator_urls(visit), *group_urls(visit)]:
        response = client.get(url)
        assert response.status_code == 302 and "/masuk" in response.headers["Location"], url
        assert "RAHASIA" not in response.get_data(as_text=True)


def test_a_suspended_group_still_reads_and_marks_done(client, login_as, visit, ketua):
    visit.group.status = GroupStatus.SUSPENDED
    login_as(ketua)
    assert client.get(group_urls(visit)[0]).status_code == 200
    response = client.post(done_url(visit), data={f"fu{visit.follow_ups[0].id}-note": ""})
    assert response.status_code == 303
