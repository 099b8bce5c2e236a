"""A group sees only the requests it may answer and its own offers (404
otherwise), declares what it can make a week, and offers; its list is a
fixed number of statements."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from shop.audit.models import AuditAction, AuditEntry
from shop.bulk.models import BulkOffer, GroupCapacity
from shop.catalogue.models import Category
from shop.core.clock import jakarta_today
from shop.extensions import db
from shop.groups.models import Role
from tests.factories import (
    BulkInvitationFactory,
    BulkOfferFactory,
    BulkRequestFactory,
    GroupCapacityFactory,
    GroupFactory,
    MembershipFactory,
)
from tests.functional.bulk.bulk_support import messages


def _offer_form(**overrides) -> dict:
    return {
        "unit_price": "14.000",
        "quantity": "150",
        "ready_by": (jakarta_today() + timedelta(days=14)).isoformat(),
        "delivery_method": "pickup",
        "delivery_fee": "0",
        "note": "Kue lapis, bolu, lemper.",
        **overrides,
    }


def test_a_group_sees_fitting_and_invited_requests_and_nothing_else(
    client, login_as, fitting_group
):
    ketua = fitting_group.memberships[0].user
    fits = BulkRequestFactory(title="Fits")
    far = BulkRequestFactory(title="Other province", province_code="32", regency_code="32.73")
    crafts = BulkRequestFactory(title="Crafts", category=Category.CRAFTS)
    invited = BulkRequestFactory(title="Invited", province_code="32", regency_code="32.73")
    BulkInvitationFactory(request=invited, group=fitting_group)
    too_big = BulkRequestFactory(title="Too big", min_weekly_capacity=500)
    login_as(ketua)
    page = client.get("/kelola/kue-melati/borongan").get_data(as_text=True)
    assert "Fits" in page and "Invited" in page
    for hidden in (far, crafts, too_big):
        assert hidden.title not in page
        assert client.get(f"/kelola/kue-melati/borongan/{hidden.number}").status_code == 404
    assert client.get(f"/kelola/kue-melati/borongan/{fits.number}").status_code == 200
    # Posting an offer to one it may not see changes nothing.
    assert (
        client.post(f"/kelola/kue-melati/borongan/{far.number}", data=_offer_form()).status_code
        == 404
    )
    assert db.session.scalars(select(BulkOffer)).all() == []


def test_a_non_member_gets_404(client, login_as, fitting_group):
    bulk = BulkRequestFactory()
    outsider = MembershipFactory(group=GroupFactory())
    login_as(outsider.user)
    assert client.get("/kelola/kue-melati/borongan").status_code == 404
    assert client.get(f"/kelola/kue-melati/borongan/{bulk.number}").status_code == 404


def test_a_group_offers_once_and_the_requester_hears_of_it(client, login_as, fitting_group):
    bulk = BulkRequestFactory()
    login_as(fitting_group.memberships[0].user)
    url = f"/kelola/kue-melati/borongan/{bulk.number}"
    form = client.get(url).get_data(as_text=True)
    assert 'name="unit_price"' in form
    response = client.post(url, data=_offer_form())
    assert response.status_code == 303
    [offer] = db.session.scalars(select(BulkOffer)).all()
    assert (offer.group_id, offer.unit_price, offer.quantity) == (fitting_group.id, 14000, 150)
    [email] = messages("bulk_offer", "rina@dinas.example")
    assert "Kelompok Kue Melati" in email.body_text
    page = client.get(url).get_data(as_text=True)
    assert "Your offer" in page and 'name="unit_price"' not in page
    again = client.post(url, data=_offer_form(quantity="10"))
    assert again.status_code == 200  # the page, without the form: nothing new
    assert len(db.session.scalars(select(BulkOffer)).all()) == 1
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == AuditAction.BULK_OFFERED)
    )
    assert entry.group_id == fitting_group.id


def test_bad_offers_are_refused_with_a_message(client, login_as, fitting_group):
    bulk = BulkRequestFactory(quantity=300)
    login_as(fitting_group.memberships[0].user)
    url = f"/kelola/kue-melati/borongan/{bulk.number}"
    cases = [
        ({"quantity": "301"}, "Offer between 1 and 300."),
        ({"quantity": "0"}, "Give a quantity between 1 and 1,000,000."),
        ({"unit_price": "murah"}, "Not a valid integer value."),
        ({"ready_by": (jakarta_today() - timedelta(days=1)).isoformat()}, "Give a date from"),
        ({"delivery_method": "courier"}, "Not a valid choice"),
    ]
    for change, message in cases:
        response = client.post(url, data=_offer_form(**change))
        assert message in response.get_data(as_text=True), change
    assert db.session.scalars(select(BulkOffer)).all() == []


def test_the_ketua_declares_capacity_and_members_may_not(client, login_as, fitting_group):
    member = MembershipFactory(group=fitting_group, role=Role.MEMBER)
    login_as(fitting_group.memberships[0].user)
    url = "/kelola/kue-melati/borongan/kapasitas"
    ok = client.post(url, data={"category": "makanan-ringan", "weekly_quantity": "80"})
    assert ok.status_code == 303
    rows = {
        c.category: c.weekly_quantity
        for c in db.session.scalars(
            select(GroupCapacity).where(GroupCapacity.group_id == fitting_group.id)
        )
    }
    assert rows == {Category.CAKES: 200, Category.SNACKS: 80}
    client.post(url, data={"category": "kue", "weekly_quantity": "0"})
    left = db.session.scalars(
        select(GroupCapacity.category).where(GroupCapacity.group_id == fitting_group.id)
    ).all()
    assert left == [Category.SNACKS]
    bad = client.post(url, data={"category": "kue", "weekly_quantity": "-1"})
    assert "Give a number between 0 and 1,000,000." in bad.get_data(as_text=True)
    client.post("/keluar", data={})
    login_as(member.user)
    assert client.get(url).status_code == 403


def test_the_group_list_is_a_fixed_number_of_statements(
    client, login_as, fitting_group, count_queries
):
    login_as(fitting_group.memberships[0].user)

    def statements() -> int:
        with count_queries() as counter:
            assert client.get("/kelola/kue-melati/borongan").status_code == 200
        return counter.count

    BulkOfferFactory(request=BulkRequestFactory(), group=fitting_group)
    few = statements()
    for n in range(8):
        bulk = BulkRequestFactory(regency_code=["15.71", "15.05"][n % 2])
        if n % 3 == 0:
            BulkOfferFactory(request=bulk, group=fitting_group)
    other = GroupFactory()
    GroupCapacityFactory(group=other)
    many = statements()
    assert many == few
    assert many <= 8
