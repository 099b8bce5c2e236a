"""The funders' report shows the group's latest monitoring visit and the
recommendations still open (the soonest first, overdue ones said), and still
fits one page with everything else a big group has."""

from __future__ import annotations

from datetime import timedelta

from shop.core.clock import jakarta_today
from shop.groups.models import Programme
from tests.factories import CoordinatorFactory, FollowUpFactory, GroupFactory, MonevVisitFactory
from tests.integration.coordinators.test_report import (  # noqa: F401  (fixtures)
    _poppler,
    big_group,
    pdf_info,
)


def _visits(group):
    today = jakarta_today()
    old = MonevVisitFactory(
        group=group, visited_on=today - timedelta(days=90), met="Pak Lurah", recorded_by_name="X"
    )
    FollowUpFactory(visit=old, text="Saran lama terlambat", due_on=today - timedelta(days=30))
    latest = MonevVisitFactory(
        group=group,
        visited_on=today - timedelta(days=7),
        met="Bu Sari (ketua), Bu Tini (bendahara)",
        finding_production="Produksi abon 25 kg per minggu",
        finding_equipment="Spinner dan sealer bantuan dipakai setiap hari " * 6,
    )
    done = FollowUpFactory(visit=latest, text="Saran yang sudah selesai", due_on=today)
    done.done_at = latest.created_at
    FollowUpFactory(
        visit=latest, text="Cetak nomor PIRT di label", due_on=today + timedelta(days=7)
    )
    for n in range(4):
        FollowUpFactory(
            visit=latest, text=f"Saran tambahan {n}", due_on=today + timedelta(days=20 + n)
        )
    return latest


def _report(client, login_as, group, tmp_path):
    login_as(CoordinatorFactory(programmes=[Programme.UPPKA], regions=["15"]).user)
    client.get("/bahasa/en")
    response = client.get(f"/koordinator/kelompok/{group.slug}/laporan.pdf", follow_redirects=True)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    fields, text = pdf_info(response.data, tmp_path)
    return fields, " ".join(text.split())


def test_the_latest_visit_and_open_follow_ups(client, login_as, app_ctx, tmp_path):
    group = GroupFactory(
        programme=Programme.UPPKA, province_code="15", regency_code="15.71", district_code=None
    )
    latest = _visits(group)

    fields, flat = _report(client, login_as, group, tmp_path)

    assert fields["Pages"] == "1"
    assert "Monitoring visit (monev)" in flat
    day = latest.visited_on
    assert f"Latest visit: {day:%B} {day.day}, {day.year}" in flat
    assert "Met: Bu Sari (ketua), Bu Tini (bendahara)" in flat
    assert "Produksi abon 25 kg per minggu" in flat
    assert "Pak Lurah" not in flat  # the older visit is not the latest
    assert "6 open follow-ups" in flat
    # The soonest three: the overdue one from the older visit first.
    assert "Saran lama terlambat" in flat and "(overdue)" in flat
    assert flat.index("Saran lama terlambat") < flat.index("Cetak nomor PIRT")
    assert "Saran tambahan 0" in flat and "Saran tambahan 1" not in flat
    assert "…and 3 more open follow-ups." in flat
    assert "Saran yang sudah selesai" not in flat


def test_a_group_never_visited(client, login_as, app_ctx, tmp_path):
    group = GroupFactory(
        programme=Programme.UPPKA, province_code="15", regency_code="15.71", district_code=None
    )
    fields, flat = _report(client, login_as, group, tmp_path)
    assert "No monitoring visit recorded yet." in flat


def test_still_one_page_for_a_big_group_with_a_visit(client, login_as, big_group, tmp_path):  # noqa: F811
    _visits(big_group)
    fields, flat = _report(client, login_as, big_group, tmp_path)
    assert fields["Pages"] == "1"
    assert "Cetak nomor PIRT di label" in flat and "Best sellers" in flat
    assert "Products on sale (40)" in flat and "36 more products" in flat


def test_still_one_page_with_a_visit_and_grants(client, login_as, big_group, tmp_path):  # noqa: F811
    from datetime import date

    from tests.factories import GrantFactory

    _visits(big_group)
    for year in (2021, 2022, 2023, 2024, 2025):
        GrantFactory(
            group=big_group,
            funding_year=year,
            amount=12_345_000 + year,
            received_on=date(year, 2, 10),
            programme="Program Peningkatan Pendapatan Keluarga Akseptor Nasional",
        )
    fields, flat = _report(client, login_as, big_group, tmp_path)
    assert fields["Pages"] == "1"
    assert "Saran lama terlambat" in flat and "…and 5 more open follow-ups." in flat
    assert "Grants and results since the first grant" in flat
    # The products are counted in the profile (their pictures make room).
    assert "Best sellers" in flat and "Products on" in flat and "Products on sale (" not in flat
