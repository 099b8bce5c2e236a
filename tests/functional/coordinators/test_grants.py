"""Grants and what they bought: recorded by coordinators in scope and the
operator (404 for anyone else), refused with a message and nothing changed
on bad input, every change in the audit log, photos through the image
machinery, and the group reads its own grants (read only)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shop.audit.models import AuditAction, AuditEntry
from shop.core.clock import jakarta_today, midnight_utc
from shop.extensions import db
from shop.grants.models import Grant, GrantItem, GrantItemPhoto, GrantSource
from tests.factories import GrantFactory, GrantItemFactory, GrantItemPhotoFactory

IMAGES = Path(__file__).parents[2] / "fixtures" / "images"

GOOD = {
    "programme": "JPS TKM Kota Jambi",
    "funding_year": "2024",
    "amount": "Rp 40.000.000",
    "source": "apbd",
    "received_on": "2024-03-15",
    "note": "SK Bupati 12/2024",
}


def base(group) -> str:
    return f"/koordinator/kelompok/{group.slug}/bantuan"


def entries(action: AuditAction) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def grant_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Grant))


@pytest.fixture
def english(client):
    def switch():
        client.get("/bahasa/en")

    return switch


def test_a_coordinator_records_a_grant_in_rupiah(
    client, as_coordinator, jambi_uppka, group_in_scope, english
):
    as_coordinator(jambi_uppka)
    english()
    form = client.get(base(group_in_scope) + "/baru")
    assert form.status_code == 200 and 'name="csrf_token"' in form.get_data(as_text=True)
    response = client.post(base(group_in_scope) + "/baru", data=GOOD)
    assert response.status_code == 303
    grant = db.session.scalar(select(Grant))
    assert (grant.group_id, grant.programme, grant.funding_year) == (
        group_in_scope.id,
        "JPS TKM Kota Jambi",
        2024,
    )
    assert grant.amount == 40_000_000 and isinstance(grant.amount, int)
    assert grant.source is GrantSource.APBD and grant.received_on == date(2024, 3, 15)
    # Midnight in Jakarta is 17:00 UTC the day before.
    assert grant.received_at == midnight_utc(date(2024, 3, 15))
    assert grant.received_at.hour == 17
    (entry,) = entries(AuditAction.GRANT_ADDED)
    assert entry.group_id == group_in_scope.id and entry.actor_id == jambi_uppka.user_id
    assert "Rp40000000" in entry.details and "apbd" in entry.details

    html = client.get(base(group_in_scope)).get_data(as_text=True)
    assert "JPS TKM Kota Jambi · 2024" in html
    assert "Rp40,000,000" in html and "APBD (regional budget)" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("programme", "   ", "Name the programme that gave the grant."),
        ("programme", "", "This field is required."),
        ("amount", "0", "Give the amount in whole rupiah, more than zero."),
        ("amount", "-5000", "Give the amount in whole rupiah, more than zero."),
        ("amount", "empat puluh juta", "Not a valid integer value."),
        ("amount", "9" * 40, "This number is too large."),
        ("funding_year", "1999", "Give the funding year as four digits, from 2000 on."),
        ("funding_year", "²⁰²⁴", "Not a valid integer value."),
        ("source", "imf", "Choose where the money came from."),
        ("received_on", "2024-13-45", "Not a valid date value."),
        ("received_on", "2099-01-01", "The day received cannot be in the future."),
    ],
)
def test_bad_grants_are_refused_with_a_message_and_change_nothing(
    client, as_coordinator, jambi_uppka, group_in_scope, english, field, value, message
):
    as_coordinator(jambi_uppka)
    english()
    response = client.post(base(group_in_scope) + "/baru", data={**GOOD, field: value})
    assert response.status_code in (200, 422)
    assert message in response.get_data(as_text=True)
    assert grant_count() == 0
    assert entries(AuditAction.GRANT_ADDED) == []


def test_hostile_text_is_kept_as_text(client, as_coordinator, operator, group_in_scope):
    as_coordinator(operator)
    evil = '<script>alert(1)</script>\x00=HYPERLINK("x")'
    response = client.post(base(group_in_scope) + "/baru", data={**GOOD, "programme": evil})
    assert response.status_code == 303
    grant = db.session.scalar(select(Grant))
    assert "\x00" not in grant.programme
    html = client.get(base(group_in_scope)).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_no_csrf_token_no_change(client, as_coordinator, operator, group_in_scope):
    as_coordinator(operator)
    assert client.post(base(group_in_scope) + "/baru", data=GOOD, csrf=False).status_code == 400
    forged = client.post(base(group_in_scope) + "/baru", data={**GOOD, "csrf_token": "forged"})
    assert forged.status_code == 400
    grant = GrantFactory(group=group_in_scope)
    assert client.post(f"{base(group_in_scope)}/{grant.id}/hapus", csrf=False).status_code == 400
    assert grant_count() == 1


def test_editing_and_removing_a_grant_is_audited(
    client, as_coordinator, jambi_uppka, group_in_scope, english
):
    as_coordinator(jambi_uppka)
    english()
    grant = GrantFactory(group=group_in_scope, amount=30_000_000)
    GrantItemFactory(grant=grant, cost=25_000_000)
    url = f"{base(group_in_scope)}/{grant.id}/ubah"
    assert 'value="30000000"' in client.get(url).get_data(as_text=True)

    # Less than the equipment already recorded: refused.
    low = client.post(url, data={**GOOD, "amount": "20.000.000"})
    assert "the amount cannot be less" in low.get_data(as_text=True)
    db.session.refresh(grant)
    assert grant.amount == 30_000_000

    assert client.post(url, data={**GOOD, "received_on": "2023-01-02"}).status_code == 303
    db.session.refresh(grant)
    assert grant.amount == 40_000_000 and grant.received_on == date(2023, 1, 2)
    assert grant.received_at == midnight_utc(date(2023, 1, 2))
    (changed,) = entries(AuditAction.GRANT_CHANGED)
    assert "Rp30000000" in changed.details and "Rp40000000" in changed.details

    assert client.post(f"{base(group_in_scope)}/{grant.id}/hapus").status_code == 303
    assert grant_count() == 0
    assert db.session.scalar(select(func.count()).select_from(GrantItem)) == 0
    (removed,) = entries(AuditAction.GRANT_REMOVED)
    assert removed.group_id == group_in_scope.id and "1 item(s)" in removed.details


def _photo(name: str = "tiny.webp"):
    return (io.BytesIO((IMAGES / name).read_bytes()), name)


def test_equipment_with_photos_and_its_cost_within_the_grant(
    client, as_coordinator, jambi_uppka, group_in_scope, english
):
    as_coordinator(jambi_uppka)
    english()
    grant = GrantFactory(group=group_in_scope, amount=10_000_000)
    new = f"{base(group_in_scope)}/{grant.id}/barang/baru"
    response = client.post(
        new,
        data={"name": "Vacuum sealer", "quantity": "2", "cost": "7.500.000", "photos": [_photo()]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    item = db.session.scalar(select(GrantItem))
    assert (item.name, item.quantity, item.cost) == ("Vacuum sealer", 2, 7_500_000)
    (photo,) = item.photos
    assert photo.image.key
    (entry,) = entries(AuditAction.GRANT_ITEM_ADDED)
    assert "Vacuum sealer; 2 pcs; Rp7500000; 1 photo(s)" == entry.details

    # Over the grant: refused, nothing stored.
    over = client.post(new, data={"name": "Oven", "quantity": "1", "cost": "3.000.000"})
    assert "more than the grant of Rp10,000,000" in over.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(GrantItem)) == 1

    # Not a photo: refused, nothing stored.
    bad = client.post(
        new,
        data={"name": "Oven", "quantity": "1", "cost": "1000", "photos": [_photo("truncated.jpg")]},
        content_type="multipart/form-data",
    )
    assert bad.status_code in (200, 415, 422)
    assert db.session.scalar(select(func.count()).select_from(GrantItem)) == 1

    for quantity in ("0", "-1", "100001", "dua"):
        refused = client.post(new, data={"name": "Oven", "quantity": quantity, "cost": "1000"})
        assert refused.status_code in (200, 422)
    assert db.session.scalar(select(func.count()).select_from(GrantItem)) == 1

    html = client.get(base(group_in_scope)).get_data(as_text=True)
    assert "Vacuum sealer" in html and "2 pieces" in html and "Rp7,500,000" in html
    assert "Rp2,500,000 not accounted for yet" in html
    assert f"/media/{photo.image.key[:2]}/{photo.image.key}" in html or "placeholder" in html

    edit = f"{base(group_in_scope)}/{grant.id}/barang/{item.id}/ubah"
    assert (
        client.post(
            edit, data={"name": "Vacuum sealer", "quantity": "3", "cost": "9000000"}
        ).status_code
        == 303
    )
    db.session.refresh(item)
    assert (item.quantity, item.cost) == (3, 9_000_000)
    assert len(entries(AuditAction.GRANT_ITEM_CHANGED)) == 1

    remove_photo = f"{base(group_in_scope)}/{grant.id}/barang/{item.id}/foto/{photo.id}/hapus"
    assert client.post(remove_photo).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(GrantItemPhoto)) == 0
    assert (
        client.post(f"{base(group_in_scope)}/{grant.id}/barang/{item.id}/hapus").status_code == 303
    )
    assert db.session.scalar(select(func.count()).select_from(GrantItem)) == 0
    assert len(entries(AuditAction.GRANT_ITEM_REMOVED)) == 1


def test_out_of_scope_is_404_everywhere(
    client, as_coordinator, jambi_uppka, group_out_of_scope, group_in_scope
):
    grant = GrantFactory(group=group_out_of_scope)
    item = GrantItemFactory(grant=grant)
    photo = GrantItemPhotoFactory(item=item)
    mine = GrantFactory(group=group_in_scope)
    as_coordinator(jambi_uppka)
    there = base(group_out_of_scope)
    for url in (
        there,
        f"{there}/baru",
        f"{there}/{grant.id}/ubah",
        f"{there}/{grant.id}/barang/baru",
    ):
        assert client.get(url).status_code == 404
    for url in (
        f"{there}/baru",
        f"{there}/{grant.id}/hapus",
        f"{there}/{grant.id}/barang/{item.id}/hapus",
        f"{there}/{grant.id}/barang/{item.id}/foto/{photo.id}/hapus",
    ):
        assert client.post(url, data=GOOD).status_code == 404
    # Another group's grant through a group in scope: 404 too.
    assert client.get(f"{base(group_in_scope)}/{grant.id}/ubah").status_code == 404
    assert client.post(f"{base(group_in_scope)}/{grant.id}/hapus").status_code == 404
    assert client.get(f"{base(group_in_scope)}/{mine.id}/ubah").status_code == 200
    assert grant_count() == 2 and db.session.get(GrantItem, item.id) is not None


def test_members_and_strangers(client, login_as, leader_of, group_in_scope, group_out_of_scope):
    grant = GrantFactory(group=group_in_scope, programme="Bantuan UPPKA")
    GrantItemFactory(grant=grant, name="Spinner minyak", quantity=1, cost=3_500_000)
    leader = leader_of(group_in_scope)
    login_as(leader)
    # A member is no coordinator: the coordinators' pages are 404.
    assert client.get(base(group_in_scope)).status_code == 404
    assert client.post(f"{base(group_in_scope)}/{grant.id}/hapus").status_code == 404
    own = client.get(f"/kelola/{group_in_scope.slug}/bantuan")
    assert own.status_code == 200
    html = own.get_data(as_text=True)
    assert "Bantuan UPPKA" in html and "Spinner minyak" in html and "Rp3.500.000" in html
    # Read only: no form, no edit link.
    assert '<form method="post"' not in html.split("<main", 1)[1].split("</main>")[0]
    assert "/ubah" not in html
    assert client.get(f"/kelola/{group_out_of_scope.slug}/bantuan").status_code == 404


def test_pages_have_a_fixed_statement_count(
    client, as_coordinator, operator, group_in_scope, count_queries, login_as, leader_of
):
    as_coordinator(operator)

    def statements(url):
        client.get(url)
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    url = base(group_in_scope)
    GrantItemPhotoFactory(item=GrantItemFactory(grant=GrantFactory(group=group_in_scope)))
    few = statements(url)
    for year in range(2015, 2023):
        grant = GrantFactory(group=group_in_scope, funding_year=year, amount=90_000_000)
        for _i in range(3):
            GrantItemPhotoFactory(item=GrantItemFactory(grant=grant))
    assert statements(url) == few


def test_the_funding_year_cannot_be_far_in_the_future(
    client, as_coordinator, operator, group_in_scope
):
    as_coordinator(operator)
    next_year = jakarta_today().year + 1
    ok = client.post(
        base(group_in_scope) + "/baru",
        data={**GOOD, "funding_year": str(next_year), "received_on": str(jakarta_today())},
    )
    assert ok.status_code == 303
    far = client.post(
        base(group_in_scope) + "/baru", data={**GOOD, "funding_year": str(next_year + 1)}
    )
    assert f"Isi tahun anggaran, 2000 sampai {next_year}." in far.get_data(as_text=True)
    assert grant_count() == 1
    tomorrow = jakarta_today() + timedelta(days=1)
    future = client.post(
        base(group_in_scope) + "/baru", data={**GOOD, "received_on": str(tomorrow)}
    )
    assert "Tanggal diterima tidak boleh di masa depan." in future.get_data(as_text=True)
    assert grant_count() == 1
