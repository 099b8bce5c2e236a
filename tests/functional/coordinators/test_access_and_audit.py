"""Who gets into the coordinator pages, what scope they see, and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from shop.audit import services as audit
from shop.audit.models import AuditAction, AuditEntry
from shop.coordinators.scope import Scope
from shop.extensions import db
from shop.groups.models import Group, Programme, Verification
from tests.factories import CoordinatorFactory, ExhibitionFactory, GroupFactory, UserFactory


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/koordinator/")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/koordinator/", "/koordinator/audit"])
def test_people_who_are_not_coordinators_get_404(client, login_as, path):
    login_as(UserFactory())
    assert client.get(path).status_code == 404


def test_header_links_to_the_coordinator_pages_only_for_coordinators(client, login_as, jambi_uppka):
    login_as(UserFactory())
    assert "/koordinator/" not in client.get("/").get_data(as_text=True)
    client.post("/keluar")
    login_as(jambi_uppka.user)
    assert 'href="/koordinator/"' in client.get("/").get_data(as_text=True)


def test_overview_counts_only_groups_in_scope(
    client, as_coordinator, jambi_uppka, group_in_scope, group_out_of_scope
):
    GroupFactory(programme=Programme.UPPKA, province_code="15", regency_code="15.71")
    GroupFactory(
        programme=Programme.UPPKA,
        province_code="15",
        regency_code="15.71",
        verification=Verification.VERIFIED,
    )
    as_coordinator(jambi_uppka)
    page = client.get("/koordinator/").get_data(as_text=True)
    # Two unverified UPPKA groups in Jambi; the JPS TKM group in Jawa Barat is not counted.
    assert '<span class="stat-number">2</span>' in page
    assert '<span class="stat-number">3</span>' in page  # active groups in scope
    assert "Jambi" in page or "JAMBI" in page


SCOPES = [
    dict(programmes=[Programme.UPPKA]),
    dict(regions=["15"]),
    dict(regions=["32.73"]),
    dict(regions=["15", "32.73"]),
    dict(programmes=[Programme.UPPKA, Programme.LAPAS], regions=["32"]),
    dict(),
    dict(is_operator=True, programmes=[Programme.LAPAS]),
]


@pytest.mark.parametrize("scope_args", SCOPES)
def test_scope_in_sql_and_in_python_agree(app_ctx, scope_args):
    groups = [
        GroupFactory(programme=programme, province_code=province, regency_code=regency)
        for programme in (Programme.UPPKA, Programme.JPS_TKM, Programme.LAPAS)
        for province, regency in (("15", "15.71"), ("15", "15.05"), ("32", "32.73"))
    ]
    scope = Scope.of(CoordinatorFactory(**scope_args))
    in_sql = set(db.session.scalars(select(Group.id).where(scope.groups_clause())))
    in_python = {group.id for group in groups if scope.covers(group)}
    assert in_sql & {g.id for g in groups} == in_python
    assert in_python  # every scope above covers at least one of the groups


def _entry(actor, action, **kwargs):
    entry = audit.record(action, actor=actor.user, **kwargs)
    db.session.flush()
    return entry


def test_audit_log_shows_only_what_the_coordinator_may_see(
    client,
    as_coordinator,
    jambi_uppka,
    other_programme,
    operator,
    group_in_scope,
    group_out_of_scope,
):
    exhibition = ExhibitionFactory(
        slug="pameran-jambi",
        title="Pameran Jambi",
        starts_on=datetime(2026, 12, 1).date(),
        ends_on=datetime(2026, 12, 31).date(),
        created_by_id=jambi_uppka.user_id,
    )
    _entry(jambi_uppka, AuditAction.GROUP_VERIFIED, group=group_in_scope, reason="SK lengkap")
    _entry(other_programme, AuditAction.GROUP_SUSPENDED, group=group_out_of_scope, reason="Palsu")
    _entry(jambi_uppka, AuditAction.EXPORT_XLSX, details="UPPKA, 2026")
    _entry(other_programme, AuditAction.EXPORT_CSV, details="JPS TKM, 2026")
    _entry(jambi_uppka, AuditAction.EXHIBITION_CREATED, exhibition=exhibition)
    # The other coordinator's action on a group in Jambi's scope is visible to Jambi too.
    _entry(other_programme, AuditAction.GROUP_NOTE, group=group_in_scope, reason="Dikunjungi")

    as_coordinator(jambi_uppka)
    page = client.get("/koordinator/audit").get_data(as_text=True)
    assert "SK lengkap" in page and "Dikunjungi" in page
    assert "UPPKA, 2026" in page and "Pameran Jambi" in page
    assert "Palsu" not in page and "JPS TKM, 2026" not in page
    assert "Kelompok JPS Bandung" not in page

    client.post("/keluar")
    as_coordinator(operator)
    page = client.get("/koordinator/audit").get_data(as_text=True)
    for text in ("SK lengkap", "Palsu", "UPPKA, 2026", "JPS TKM, 2026", "Pameran Jambi"):
        assert text in page


def test_audit_log_filters(client, as_coordinator, operator, group_in_scope):
    old = _entry(operator, AuditAction.GROUP_NOTE, group=group_in_scope, reason="catatan lama")
    old.at = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)
    _entry(operator, AuditAction.GROUP_VERIFIED, group=group_in_scope, reason="lengkap")
    _entry(operator, AuditAction.EXPORT_CSV, details="semua kelompok")
    db.session.flush()
    as_coordinator(operator)

    def shown(**args):
        page = client.get("/koordinator/audit", query_string=args).get_data(as_text=True)
        return {text for text in ("catatan lama", "lengkap", "semua kelompok") if text in page}

    assert shown(action="group.verified") == {"lengkap"}
    assert shown(q="sejahtera") == {"catatan lama", "lengkap"}  # the group's name
    assert shown(q="CATATAN") == {"catatan lama"}
    assert shown(dari="2026-01-10", sampai="2026-01-10") == {"catatan lama"}
    assert shown(dari="2026-02-01") == {"lengkap", "semua kelompok"}
    # Nonsense filters are ignored, not errors.
    assert shown(action="drop table", dari="kemarin", page="x") == {
        "catatan lama",
        "lengkap",
        "semua kelompok",
    }


def test_audit_entries_keep_the_actor_name_and_escape_text(client, as_coordinator, operator):
    _entry(operator, AuditAction.EXPORT_CSV, details="<script>alert(1)</script>")
    as_coordinator(operator)
    page = client.get("/koordinator/audit").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    entry = db.session.scalar(select(AuditEntry))
    assert entry.actor_name == operator.user.name


def test_audit_log_page_query_count_does_not_grow(
    client, as_coordinator, jambi_uppka, count_queries
):
    as_coordinator(jambi_uppka)

    def statements() -> int:
        with count_queries() as counter:
            assert client.get("/koordinator/audit").status_code == 200
        return counter.count

    group = GroupFactory(programme=Programme.UPPKA, province_code="15", regency_code="15.71")
    _entry(jambi_uppka, AuditAction.GROUP_NOTE, group=group, reason="satu")
    few = statements()
    for i in range(25):
        other = GroupFactory(programme=Programme.UPPKA, province_code="15", regency_code="15.71")
        _entry(jambi_uppka, AuditAction.GROUP_NOTE, group=other, reason=f"catatan {i}")
    assert statements() == few


@pytest.mark.parametrize(
    "args",
    [{"sampai": "9999-12-31"}, {"dari": "0001-01-01"}, {"dari": "2026-13-01"}, {"sampai": "x"}],
)
def test_audit_log_ignores_dates_it_cannot_use(client, as_coordinator, operator, args):
    _entry(operator, AuditAction.EXPORT_CSV, details="semua kelompok")
    as_coordinator(operator)
    response = client.get("/koordinator/audit", query_string=args)
    assert response.status_code == 200 and "semua kelompok" in response.get_data(as_text=True)
