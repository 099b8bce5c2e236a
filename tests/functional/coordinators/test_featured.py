"""Featured groups: the coordinator page (scope, dates, order, audit) and the home page section."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from shop.audit.models import AuditAction, AuditEntry
from shop.curation.models import FeaturedGroup
from shop.extensions import db
from shop.groups.models import GroupStatus, Programme
from tests.factories import FeaturedGroupFactory, GroupFactory, MembershipFactory

TODAY = date(2026, 5, 10)


def feature(group, starts_on=TODAY, ends_on=None, position=0) -> FeaturedGroup:
    return FeaturedGroupFactory(
        group=group, starts_on=starts_on, ends_on=ends_on, position=position
    )


def audit(action) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def featured_section(client) -> str:
    body = client.get("/").get_data(as_text=True)
    if 'id="h-featured"' not in body:
        return ""
    start = body.index('id="h-featured"')
    return body[start : body.index("</section>", start)]


def jambi_group(name, **kwargs):
    return GroupFactory(
        name=name, programme=Programme.UPPKA, province_code="15", regency_code="15.71", **kwargs
    )


def test_pages_are_for_coordinators_only(client, login_as, group_in_scope):
    assert client.get("/koordinator/unggulan").status_code == 302  # log in first
    login_as(MembershipFactory(group=group_in_scope).user)
    assert client.get("/koordinator/unggulan").status_code == 404
    entry = feature(group_in_scope)
    assert client.get(f"/koordinator/unggulan/{entry.id}/ubah").status_code == 404
    assert client.post(f"/koordinator/unggulan/{entry.id}/hapus").status_code == 404


def test_add_offers_only_active_groups_in_scope(
    client, as_coordinator, jambi_uppka, group_in_scope, group_out_of_scope, clock
):
    suspended = jambi_group("Kelompok Ditangguhkan", status=GroupStatus.SUSPENDED)
    as_coordinator(jambi_uppka)
    body = client.get("/koordinator/unggulan").get_data(as_text=True)
    assert group_in_scope.name in body
    assert group_out_of_scope.name not in body
    assert suspended.name not in body
    assert 'value="2026-05-10"' in body  # the start defaults to today (Jakarta)


def test_coordinator_features_a_group_and_it_shows_on_home(
    app, client, as_coordinator, jambi_uppka, group_in_scope, clock
):
    as_coordinator(jambi_uppka)
    response = client.post(
        "/koordinator/unggulan",
        data={"group": group_in_scope.id, "starts_on": "2026-05-10", "ends_on": "2026-05-31"},
    )
    assert response.status_code == 302
    entry = db.session.scalar(select(FeaturedGroup))
    assert (entry.group_id, entry.starts_on, entry.ends_on) == (
        group_in_scope.id,
        TODAY,
        date(2026, 5, 31),
    )
    [entry_audit] = audit(AuditAction.FEATURE_ADDED)
    assert entry_audit.group_id == group_in_scope.id
    assert entry_audit.actor_id == jambi_uppka.user_id
    assert "31 Mei 2026" in entry_audit.details  # in the coordinator's language
    assert group_in_scope.name in featured_section(app.test_client())
    client.get("/bahasa/en")
    page = client.get("/koordinator/unggulan").get_data(as_text=True)
    assert "On the home page now" in page


def test_out_of_scope_group_cannot_be_added_edited_moved_or_removed(
    client, as_coordinator, jambi_uppka, group_out_of_scope, clock
):
    theirs = feature(group_out_of_scope)
    as_coordinator(jambi_uppka)
    response = client.post(
        "/koordinator/unggulan", data={"group": group_out_of_scope.id, "starts_on": "2026-05-10"}
    )
    assert response.status_code == 404
    base = f"/koordinator/unggulan/{theirs.id}"
    assert client.get(f"{base}/ubah").status_code == 404
    assert client.post(f"{base}/ubah", data={"starts_on": "2026-05-01"}).status_code == 404
    assert client.post(f"{base}/pindah", data={"direction": "up"}).status_code == 404
    assert client.post(f"{base}/hapus").status_code == 404
    assert group_out_of_scope.name not in client.get("/koordinator/unggulan").get_data(as_text=True)
    assert db.session.scalars(select(FeaturedGroup)).all() == [theirs]
    assert db.session.scalars(select(AuditEntry)).all() == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"starts_on": "2026-05-20", "ends_on": "2026-05-19"}, "before the start date"),
        ({"starts_on": "2026-05-01", "ends_on": "2026-05-09"}, "already passed"),
        ({"starts_on": "kemarin"}, "Not a valid date"),
        ({"starts_on": ""}, "required"),
    ],
)
def test_bad_dates_change_nothing(
    client, as_coordinator, jambi_uppka, group_in_scope, clock, data, message
):
    as_coordinator(jambi_uppka)
    client.get("/bahasa/en")
    response = client.post("/koordinator/unggulan", data={"group": group_in_scope.id, **data})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(FeaturedGroup)).all() == []
    assert audit(AuditAction.FEATURE_ADDED) == []


def test_suspended_or_overlapping_group_is_refused(
    client, as_coordinator, jambi_uppka, group_in_scope, clock
):
    suspended = jambi_group("Kelompok Diskors", status=GroupStatus.SUSPENDED)
    feature(group_in_scope, starts_on=TODAY, ends_on=date(2026, 5, 20))
    as_coordinator(jambi_uppka)
    client.get("/bahasa/en")
    body = client.post(
        "/koordinator/unggulan", data={"group": suspended.id, "starts_on": "2026-05-10"}
    ).get_data(as_text=True)
    assert "suspended group cannot be featured" in body
    body = client.post(
        "/koordinator/unggulan", data={"group": group_in_scope.id, "starts_on": "2026-05-20"}
    ).get_data(as_text=True)
    assert "already featured on some of these days" in body
    assert len(db.session.scalars(select(FeaturedGroup)).all()) == 1
    ok = client.post(
        "/koordinator/unggulan", data={"group": group_in_scope.id, "starts_on": "2026-05-21"}
    )
    assert ok.status_code == 302
    assert len(db.session.scalars(select(FeaturedGroup)).all()) == 2


def test_dates_are_changed_with_an_audit_entry(
    client, as_coordinator, jambi_uppka, group_in_scope, clock
):
    entry = feature(group_in_scope, starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 12))
    as_coordinator(jambi_uppka)
    page = client.get(f"/koordinator/unggulan/{entry.id}/ubah").get_data(as_text=True)
    assert 'value="2026-05-01"' in page and 'value="2026-05-12"' in page
    client.get("/bahasa/en")
    bad = client.post(
        f"/koordinator/unggulan/{entry.id}/ubah",
        data={"starts_on": "2026-05-01", "ends_on": "2026-04-30"},
    )
    assert "before the start date" in bad.get_data(as_text=True)
    response = client.post(
        f"/koordinator/unggulan/{entry.id}/ubah", data={"starts_on": "2026-05-01", "ends_on": ""}
    )
    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.ends_on is None  # open-ended now
    [changed] = audit(AuditAction.FEATURE_CHANGED)
    assert "May 12, 2026" in changed.details and "no end date" in changed.details


def test_order_moves_up_and_down_on_home(
    app, client, as_coordinator, jambi_uppka, group_in_scope, group_out_of_scope, clock
):
    second = jambi_group("Kelompok Kedua")
    first_entry = feature(group_in_scope, position=0)
    feature(group_out_of_scope, position=1)  # someone else's, between the two
    second_entry = feature(second, position=2)
    buyer = app.test_client()
    app.config["TESTING_NO_PAGE_CACHE"] = True
    try:
        section = featured_section(buyer)
        assert section.index(group_in_scope.name) < section.index(second.name)
        as_coordinator(jambi_uppka)
        page = client.get("/koordinator/unggulan").get_data(as_text=True)
        assert group_out_of_scope.name not in page
        response = client.post(
            f"/koordinator/unggulan/{second_entry.id}/pindah", data={"direction": "up"}
        )
        assert response.status_code == 302
        section = featured_section(buyer)
        # Swapped with the nearest entry the coordinator manages; the other stays put.
        assert section.index(second.name) < section.index(group_out_of_scope.name)
        assert section.index(group_out_of_scope.name) < section.index(group_in_scope.name)
        [moved] = audit(AuditAction.FEATURE_CHANGED)
        assert moved.group_id == second.id and "ke atas" in moved.details
        client.post(f"/koordinator/unggulan/{first_entry.id}/pindah", data={"direction": "down"})
        assert len(audit(AuditAction.FEATURE_CHANGED)) == 1  # already last of theirs
        assert (
            client.post(
                f"/koordinator/unggulan/{first_entry.id}/pindah", data={"direction": "sideways"}
            ).status_code
            == 400
        )
    finally:
        app.config["TESTING_NO_PAGE_CACHE"] = False


def test_remove_takes_the_group_off_home(
    app, client, as_coordinator, jambi_uppka, group_in_scope, clock
):
    entry_id = feature(group_in_scope).id
    buyer = app.test_client()
    assert group_in_scope.name in featured_section(buyer)  # now cached
    as_coordinator(jambi_uppka)
    assert client.post(f"/koordinator/unggulan/{entry_id}/hapus").status_code == 302
    assert db.session.get(FeaturedGroup, entry_id) is None
    [removed] = audit(AuditAction.FEATURE_REMOVED)
    assert removed.group_id == group_in_scope.id
    # The write started a new cache generation: the buyer sees it at once.
    assert featured_section(buyer) == ""


def test_operator_manages_every_entry(client, as_coordinator, operator, group_out_of_scope, clock):
    entry = feature(group_out_of_scope)
    as_coordinator(operator)
    assert group_out_of_scope.name in client.get("/koordinator/unggulan").get_data(as_text=True)
    assert client.post(f"/koordinator/unggulan/{entry.id}/hapus").status_code == 302


def test_csrf_is_required(client, as_coordinator, jambi_uppka, group_in_scope, clock):
    entry = feature(group_in_scope)
    as_coordinator(jambi_uppka)
    response = client.post(f"/koordinator/unggulan/{entry.id}/hapus", csrf=False)
    assert response.status_code == 400
    assert db.session.get(FeaturedGroup, entry.id) is not None


def test_home_shows_todays_featured_groups_in_order(app, client, clock):
    ordered = [jambi_group(f"Kelompok Pilihan {n}") for n in range(3)]
    feature(ordered[2], position=0)
    feature(ordered[0], position=1, ends_on=TODAY)  # last day: still shown
    feature(ordered[1], position=2, starts_on=date(2026, 4, 1), ends_on=date(2026, 6, 1))
    feature(jambi_group("Kelompok Besok"), starts_on=TODAY + timedelta(days=1))
    feature(jambi_group("Kelompok Kemarin"), starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 9))
    feature(jambi_group("Kelompok Diskors", status=GroupStatus.SUSPENDED))
    twice = jambi_group("Kelompok Dua Kali")
    feature(twice, position=5, starts_on=date(2026, 5, 1), ends_on=TODAY)
    feature(twice, position=6, starts_on=TODAY)
    client.get("/bahasa/en")
    section = featured_section(client)
    assert "Featured groups" in section
    positions = [section.index(g.name) for g in (ordered[2], ordered[0], ordered[1])]
    assert positions == sorted(positions)
    for absent in ("Kelompok Besok", "Kelompok Kemarin", "Kelompok Diskors"):
        assert absent not in section
    assert section.count(twice.name) == 1


def test_home_without_featured_groups_leaves_the_section_out(client, clock):
    assert featured_section(client) == ""


def test_hostile_group_name_is_escaped(app, client, as_coordinator, jambi_uppka, clock):
    hostile = jambi_group('<script>alert("x")</script> Lele')
    feature(hostile)
    home = app.test_client().get("/").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in home
    assert "&lt;script&gt;" in home
    as_coordinator(jambi_uppka)
    page = client.get("/koordinator/unggulan").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in page
