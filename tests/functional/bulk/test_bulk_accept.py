"""The requester compares the offers and accepts one or splits the quantity:
each part becomes an order in that group's inbox; never more than asked."""

from __future__ import annotations

from sqlalchemy import func, select

from shop.audit.models import AuditAction, AuditEntry
from shop.bulk.models import BulkOffer, BulkRequest, OfferStatus, RequestStatus
from shop.extensions import db
from shop.groups.models import PaymentMethod
from shop.orders.models import Order, OrderStatus
from tests.factories import BulkOfferFactory, BulkRequestFactory, GroupFactory
from tests.functional.bulk.bulk_support import messages


def _page(bulk: BulkRequest) -> str:
    return f"/borongan/{bulk.number}/{bulk.key}"


def _orders() -> list[Order]:
    return list(db.session.scalars(select(Order).order_by(Order.id)))


def test_splitting_makes_one_order_per_group_and_closes_the_request(
    client, login_as, fitting_group, second_group
):
    bulk = BulkRequestFactory(quantity=300)
    first = BulkOfferFactory(request=bulk, group=fitting_group, unit_price=14000, quantity=200)
    second = BulkOfferFactory(
        request=bulk, group=second_group, unit_price=13500, quantity=150, delivery_fee=50000
    )
    page = client.get(_page(bulk)).get_data(as_text=True)
    assert "Kelompok Kue Melati" in page and "Kelompok Kue Mawar" in page
    response = client.post(
        f"{_page(bulk)}/terima", data={f"take-{first.id}": "150", f"take-{second.id}": "150"}
    )
    assert response.status_code == 303
    bulk = db.session.get(BulkRequest, bulk.id)
    assert bulk.accepted_quantity == 300 and bulk.status is RequestStatus.CLOSED
    orders = {o.group_id: o for o in _orders()}
    melati, mawar = orders[fitting_group.id], orders[second_group.id]
    assert (melati.subtotal, melati.shipping_fee, melati.status) == (
        150 * 14000,
        0,
        OrderStatus.PLACED,
    )
    assert (mawar.subtotal, mawar.shipping_fee) == (150 * 13500, 50000)
    assert melati.payment_method is PaymentMethod.TRANSFER  # the factory's bank account
    assert melati.buyer_phone == "+6281299990000"
    assert [(line.product_name, line.quantity) for line in melati.lines] == [
        ("Kotak snack rapat", 150)
    ]
    assert {o.status for o in db.session.scalars(select(BulkOffer))} == {OfferStatus.ACCEPTED}
    # Each group hears of its new order, as of any order; the office of both.
    assert {m.recipient for m in messages("new_order")} == {
        "ketua@melati.example",
        "ketua@mawar.example",
    }
    assert len(messages("order_placed", "rina@dinas.example")) == 2
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == AuditAction.BULK_ACCEPTED)
        )
        == 2
    )
    # Both groups find it in their inbox.
    for group, order in ((fitting_group, melati), (second_group, mawar)):
        login_as(group.memberships[0].user)
        inbox = client.get(f"/kelola/{group.slug}/pesanan").get_data(as_text=True)
        assert order.number in inbox
        client.post("/keluar", data={})
    # The requester's page links each order's tracking page.
    page = client.get(_page(bulk)).get_data(as_text=True)
    assert f"/lacak/{melati.number}/{melati.tracking_token}" in page


def test_one_offer_whole_leaves_the_rest_open(client, fitting_group, second_group):
    bulk = BulkRequestFactory(quantity=300)
    first = BulkOfferFactory(request=bulk, group=fitting_group, quantity=200)
    second = BulkOfferFactory(request=bulk, group=second_group, quantity=150)
    client.post(f"{_page(bulk)}/terima", data={f"take-{first.id}": "200"})
    bulk = db.session.get(BulkRequest, bulk.id)
    assert (bulk.accepted_quantity, bulk.status) == (200, RequestStatus.OPEN)
    assert db.session.get(BulkOffer, second.id).status is OfferStatus.OPEN
    # The same offer cannot be taken twice.
    again = client.post(f"{_page(bulk)}/terima", data={f"take-{first.id}": "50"})
    assert again.status_code == 422
    assert "already decided" in again.get_data(as_text=True)
    # Nor more than is left.
    over = client.post(f"{_page(bulk)}/terima", data={f"take-{second.id}": "150"})
    assert over.status_code == 422
    assert "Only 100 of 300 are still to be ordered" in over.get_data(as_text=True)
    assert len(_orders()) == 1
    assert db.session.get(BulkRequest, bulk.id).accepted_quantity == 200


def test_wrong_quantities_change_nothing(client, fitting_group, second_group):
    bulk = BulkRequestFactory(quantity=300)
    first = BulkOfferFactory(request=bulk, group=fitting_group, quantity=200)
    second = BulkOfferFactory(request=bulk, group=second_group, quantity=150)
    other = BulkOfferFactory(group=GroupFactory())  # another request's offer
    cases = [
        ({f"take-{first.id}": "250"}, "offers at most 200"),
        ({f"take-{first.id}": "200", f"take-{second.id}": "150"}, "Only 300 of 300"),
        ({f"take-{first.id}": "lots"}, "Enter a whole number."),
        ({}, "Enter how many to take from at least one offer."),
        ({f"take-{other.id}": "10"}, "no longer there"),
    ]
    for form, message in cases:
        response = client.post(f"{_page(bulk)}/terima", data=form)
        assert response.status_code == 422, form
        assert message in response.get_data(as_text=True), form
    assert _orders() == []
    assert db.session.get(BulkRequest, bulk.id).accepted_quantity == 0


def test_closing_stops_offers(client, login_as, fitting_group):
    bulk = BulkRequestFactory()
    offer = BulkOfferFactory(request=bulk, group=fitting_group)
    assert client.post(f"{_page(bulk)}/tutup", data={}).status_code == 303
    assert db.session.get(BulkRequest, bulk.id).status is RequestStatus.CLOSED
    assert db.session.get(BulkOffer, offer.id).status is OfferStatus.NOT_CHOSEN
    refused = client.post(f"{_page(bulk)}/terima", data={f"take-{offer.id}": "10"})
    assert refused.status_code == 422
    assert _orders() == []


def test_the_offers_page_is_a_fixed_number_of_statements(client, count_queries):
    bulk = BulkRequestFactory(quantity=10_000)

    def statements() -> int:
        with count_queries() as counter:
            assert client.get(_page(bulk)).status_code == 200
        return counter.count

    BulkOfferFactory(request=bulk)
    few = statements()
    for _ in range(6):
        BulkOfferFactory(request=bulk)
    assert statements() == few
