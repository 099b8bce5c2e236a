"""Coordinators see the requests in their regions and invite groups in their
scope to answer; outside it, 404; each invitation is in the audit log."""

from __future__ import annotations

from sqlalchemy import select

from shop.audit.models import AuditAction, AuditEntry
from shop.bulk.models import BulkInvitation
from shop.extensions import db
from tests.factories import (
    BulkOfferFactory,
    BulkRequestFactory,
    CoordinatorFactory,
    GroupFactory,
    MembershipFactory,
    UserFactory,
)
from tests.functional.bulk.bulk_support import messages


def test_a_coordinator_sees_requests_in_scope_only(client, login_as):
    jambi = BulkRequestFactory(title="In Jambi")
    bandung = BulkRequestFactory(title="In Bandung", province_code="32", regency_code="32.73")
    coordinator = CoordinatorFactory(regions=["15"])
    login_as(coordinator.user)
    page = client.get("/koordinator/borongan").get_data(as_text=True)
    assert "In Jambi" in page and "In Bandung" not in page
    assert client.get(f"/koordinator/borongan/{jambi.number}").status_code == 200
    assert client.get(f"/koordinator/borongan/{bandung.number}").status_code == 404


def test_someone_who_is_not_a_coordinator_gets_404(client, login_as):
    bulk = BulkRequestFactory()
    login_as(MembershipFactory().user)
    assert client.get("/koordinator/borongan").status_code == 404
    assert client.get(f"/koordinator/borongan/{bulk.number}").status_code == 404


def test_inviting_a_group_tells_it_and_lets_it_answer(client, login_as):
    bulk = BulkRequestFactory()
    group = GroupFactory(name="Kelompok Tanpa Kapasitas", slug="tanpa-kapasitas")
    member = MembershipFactory(group=group, user=UserFactory(email="ketua@tanpa.example"))
    outside = GroupFactory(slug="di-luar", province_code="32", regency_code="32.73")
    coordinator = CoordinatorFactory(regions=["15"])
    login_as(coordinator.user)
    page = client.get(f"/koordinator/borongan/{bulk.number}").get_data(as_text=True)
    assert 'value="tanpa-kapasitas"' in page and 'value="di-luar"' not in page
    refused = client.post(
        f"/koordinator/borongan/{bulk.number}/undang", data={"group": outside.slug}
    )
    assert refused.status_code == 404
    response = client.post(
        f"/koordinator/borongan/{bulk.number}/undang", data={"group": "tanpa-kapasitas"}
    )
    assert response.status_code == 303
    [invitation] = db.session.scalars(select(BulkInvitation)).all()
    assert (invitation.group_id, invitation.by_id) == (group.id, coordinator.user.id)
    assert [m.recipient for m in messages("bulk_request")] == ["ketua@tanpa.example"]
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == AuditAction.BULK_INVITED)
    )
    assert entry.group_id == group.id and entry.actor_id == coordinator.user.id
    twice = client.post(
        f"/koordinator/borongan/{bulk.number}/undang", data={"group": "tanpa-kapasitas"}
    )
    assert twice.status_code == 422
    client.post("/keluar", data={})
    login_as(member.user)
    assert client.get(f"/kelola/tanpa-kapasitas/borongan/{bulk.number}").status_code == 200


def test_the_coordinator_list_is_a_fixed_number_of_statements(client, login_as, count_queries):
    login_as(CoordinatorFactory(regions=["15"]).user)

    def statements() -> int:
        with count_queries() as counter:
            assert client.get("/koordinator/borongan").status_code == 200
        return counter.count

    BulkOfferFactory(request=BulkRequestFactory())
    few = statements()
    for _ in range(6):
        BulkOfferFactory(request=BulkRequestFactory())
    assert statements() == few
