"""The group marks a recommendation done (with an optional note), once; the
coordinators' list of what is due in their scope, whose statement count does
not grow with its length; the group's home page tells of what is due."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from shop.audit.models import AuditAction, AuditEntry
from shop.extensions import db
from shop.groups.models import Programme
from shop.visits.models import FollowUp
from tests.factories import FollowUpFactory, GroupFactory, MonevVisitFactory


def _open_follow_up(group, today, **kwargs):
    visit = MonevVisitFactory(group=group, visited_on=today - timedelta(days=10))
    return FollowUpFactory(
        visit=visit, due_on=kwargs.pop("due_on", today + timedelta(days=2)), **kwargs
    )


def test_a_member_marks_a_recommendation_done_with_a_note(client, login_as, group, ketua, today):
    follow_up = _open_follow_up(group, today, text="Cetak label baru")
    login_as(ketua)
    page = client.get(f"/kelola/{group.slug}/monev").get_data(as_text=True)
    assert "Cetak label baru" in page and "Tandai selesai" in page
    assert f'name="fu{follow_up.id}-note"' in page

    response = client.post(
        f"/kelola/{group.slug}/monev/saran/{follow_up.id}/selesai",
        data={f"fu{follow_up.id}-note": "Sudah dicetak 200 lembar"},
    )

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/kelola/{group.slug}/monev#fu-{follow_up.id}")
    follow_up = db.session.get(FollowUp, follow_up.id)
    assert follow_up.is_done and follow_up.done_at.tzinfo is not None
    assert follow_up.done_by_id == ketua.id and follow_up.done_note == "Sudah dicetak 200 lembar"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == AuditAction.FOLLOW_UP_DONE)
    )
    assert entry.actor_id == ketua.id and entry.group_id == group.id
    assert "Cetak label baru" in entry.details and entry.reason == "Sudah dicetak 200 lembar"

    # Done once: a second press changes nothing and says so.
    again = client.post(
        f"/kelola/{group.slug}/monev/saran/{follow_up.id}/selesai",
        data={f"fu{follow_up.id}-note": "lagi"},
        follow_redirects=True,
    )
    assert again.status_code == 200
    assert "Saran ini sudah ditandai selesai." in again.get_data(as_text=True)
    assert db.session.get(FollowUp, follow_up.id).done_note == "Sudah dicetak 200 lembar"
    assert len(db.session.scalars(select(AuditEntry)).all()) == 1


def test_a_note_too_long_or_no_csrf_changes_nothing(client, login_as, group, ketua, today):
    follow_up = _open_follow_up(group, today)
    login_as(ketua)
    url = f"/kelola/{group.slug}/monev/saran/{follow_up.id}/selesai"
    too_long = client.post(url, data={f"fu{follow_up.id}-note": "x" * 501})
    assert too_long.status_code == 200
    assert "maksimal 500 karakter" in too_long.get_data(as_text=True)
    assert client.post(url, data={f"fu{follow_up.id}-note": "ok"}, csrf=False).status_code == 400
    assert not db.session.get(FollowUp, follow_up.id).is_done


def test_the_coordinator_sees_it_done(client, login_as, coordinator, group, today):
    follow_up = _open_follow_up(group, today, text="Rak bahan baku")
    follow_up.done_at = follow_up.visit.created_at
    follow_up.done_by_name = "Bu Sari"
    follow_up.done_note = "Rak kayu sudah dibuat"
    db.session.flush()
    login_as(coordinator.user)
    page = client.get(f"/koordinator/kunjungan/{follow_up.visit_id}").get_data(as_text=True)
    assert "Selesai" in page and "Bu Sari" in page and "Rak kayu sudah dibuat" in page
    assert "Rak bahan baku" not in client.get("/koordinator/tindak-lanjut").get_data(as_text=True)


def test_the_home_page_tells_the_group_what_is_due(client, login_as, group, ketua, today):
    _open_follow_up(group, today, text="Terlambat", due_on=today - timedelta(days=1))
    _open_follow_up(group, today, text="Masih lama", due_on=today + timedelta(days=60))
    login_as(ketua)
    page = client.get(f"/kelola/{group.slug}").get_data(as_text=True)
    assert "Terlambat" in page and "terlambat sejak" in page
    assert "Masih lama" not in page


def _due_list(client, count_queries):
    with count_queries() as counted:
        response = client.get("/koordinator/tindak-lanjut")
    assert response.status_code == 200
    return response.get_data(as_text=True), counted.count


def test_the_due_list_has_a_fixed_statement_count(
    client, login_as, coordinator, group, today, count_queries
):
    other = GroupFactory(
        programme=Programme.UPPKA, province_code="15", regency_code="15.05", district_code=None
    )
    _open_follow_up(group, today, text="Saran pertama", due_on=today - timedelta(days=3))
    login_as(coordinator.user)
    client.get("/koordinator/tindak-lanjut")  # the session and caches warmed
    html, one = _due_list(client, count_queries)
    assert "Saran pertama" in html and "Terlambat" in html

    for n in range(12):
        _open_follow_up(other if n % 2 else group, today, text=f"Saran tambahan {n}")
    html, many = _due_list(client, count_queries)
    assert html.count("Saran tambahan") == 12
    assert many == one
    # The most overdue first.
    assert html.index("Saran pertama") < html.index("Saran tambahan 0")


def test_the_due_list_leaves_out_done_later_and_out_of_scope(
    client, login_as, coordinator, group, elsewhere, today
):
    _open_follow_up(group, today, text="Jatuh tempo", due_on=today + timedelta(days=14))
    _open_follow_up(group, today, text="Nanti saja", due_on=today + timedelta(days=15))
    _open_follow_up(elsewhere, today, text="Bukan wilayah", due_on=today)
    done = _open_follow_up(group, today, text="Sudah beres")
    done.done_at = done.visit.created_at
    db.session.flush()
    login_as(coordinator.user)
    html = client.get("/koordinator/tindak-lanjut").get_data(as_text=True)
    assert "Jatuh tempo" in html
    for absent in ("Nanti saja", "Bukan wilayah", "Sudah beres"):
        assert absent not in html


def _visits_with_photos(group, today, n):
    from tests.factories import MonevVisitPhotoFactory

    for k in range(n):
        visit = MonevVisitFactory(group=group, visited_on=today - timedelta(days=k + 1))
        FollowUpFactory(visit=visit, text=f"Saran kunjungan {k}")
        FollowUpFactory(visit=visit, due_on=today - timedelta(days=1))
        MonevVisitPhotoFactory(visit=visit)
    db.session.flush()


def _statements(client, count_queries, url):
    client.get(url)
    with count_queries() as counted:
        response = client.get(url)
    assert response.status_code == 200
    return counted.count


def test_the_coordinators_list_of_visits_has_a_fixed_statement_count(
    client, login_as, coordinator, group, today, count_queries
):
    _visits_with_photos(group, today, 1)
    login_as(coordinator.user)
    coordinator_list = f"/koordinator/kelompok/{group.slug}/kunjungan"
    one = _statements(client, count_queries, coordinator_list)
    _visits_with_photos(group, today, 6)
    assert _statements(client, count_queries, coordinator_list) == one


def test_the_groups_visits_page_has_a_fixed_statement_count(
    client, login_as, group, ketua, today, count_queries
):
    """Every visit with its findings, photos and recommendations, and a form
    under each open one."""
    _visits_with_photos(group, today, 1)
    login_as(ketua)
    url = f"/kelola/{group.slug}/monev"
    one = _statements(client, count_queries, url)
    _visits_with_photos(group, today, 6)
    assert _statements(client, count_queries, url) == one
    assert client.get(url).get_data(as_text=True).count("Saran kunjungan") == 7
