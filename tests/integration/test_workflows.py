"""Every workflow's state table, walked entry by entry: the orders' here, group
verification's in test_workflows_verification.py, the consignment outlet's,
note's and visit's in test_workflows_consignment.py.

For each move of each table and each state: the service succeeds where the
table allows the move (and leads to its target), and refuses everywhere else
with the message it has always given; and each page shows exactly the
buttons the table offers in that state.
"""

from __future__ import annotations

import pytest

from shop.db import utcnow
from shop.extensions import db
from shop.groups.models import (
    DeliveryMethod,
    PaymentMethod,
    Role,
)
from shop.orders import services as orders
from shop.orders.models import OrderStatus, PaymentStatus
from shop.orders.workflow import ORDER_FLOW, InvalidTransition
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    make_order,
)
from tests.integration.workflow_walk import (
    buttons,
    english_fixture,  # noqa: F401
)

S = OrderStatus


# What the table must say, written out independently of it: the states each
# move is allowed from, and the refusal in every other state.
ORDER_SOURCES = {
    "konfirmasi": {S.PLACED},
    "lunas": {S.PLACED, S.CONFIRMED, S.PACKED, S.SHIPPED, S.READY, S.COMPLETED},
    "kemas": {S.CONFIRMED},
    "kirim": {S.PACKED},
    "siap": {S.PACKED},
    "selesai": {S.SHIPPED, S.READY},
    "batal": {S.PLACED, S.CONFIRMED, S.PACKED},
    "kedaluwarsa": {S.PLACED, S.CONFIRMED},
}
ORDER_REFUSALS = {
    "konfirmasi": "Only a new order can be confirmed.",
    "lunas": "This order is closed.",
    "kemas": "Only a confirmed order can be packed.",
    "kirim": "Pack the order before shipping it.",
    "siap": "Pack the order before it is ready for pickup.",
    "selesai": "Only a shipped order, or one ready for pickup, can be completed.",
    "batal": "This order can no longer be cancelled.",
}
ORDER_SERVICES = {
    "konfirmasi": lambda o: orders.confirm_order(o, 5000, None),
    "lunas": lambda o: orders.mark_paid(o, None, "", repeat=False),
    "kemas": lambda o: orders.mark_packed(o, None),
    "kirim": lambda o: orders.mark_shipped(o, "JNE", "JN123", None),
    "siap": lambda o: orders.mark_ready(o, None),
    "selesai": lambda o: orders.complete_order(o, None),
    "batal": lambda o: orders.cancel_order(o, "Bahan habis", None),
}
# The order's other facts the rules read: how it is delivered and paid, and
# whether it is paid already.
ORDER_KINDS = [
    (DeliveryMethod.PICKUP, PaymentMethod.TRANSFER, False),
    (DeliveryMethod.PICKUP, PaymentMethod.TRANSFER, True),
    (DeliveryMethod.COURIER, PaymentMethod.CASH, False),
    (DeliveryMethod.COURIER, PaymentMethod.CARD, False),
    (DeliveryMethod.COURIER, PaymentMethod.CARD, True),
]


def test_the_order_table_says_what_the_order_services_always_checked(english):
    for name, sources in ORDER_SOURCES.items():
        assert ORDER_FLOW[name].sources == sources, name
        for status in set(OrderStatus) - sources:
            if name in ORDER_REFUSALS:
                assert str(ORDER_FLOW[name].refusal_in(status)) == ORDER_REFUSALS[name]
    assert set(ORDER_FLOW) == set(ORDER_SOURCES)


def _order(status, kind):
    delivery, payment, paid = kind
    return make_order(
        delivery=delivery,
        payment=payment,
        status=status,
        payment_status=PaymentStatus.PAID if paid else PaymentStatus.UNPAID,
        paid_at=utcnow() if paid else None,
    )


@pytest.mark.parametrize("kind", ORDER_KINDS, ids=lambda k: "-".join(map(str, k)))
@pytest.mark.parametrize("status", list(OrderStatus))
@pytest.mark.parametrize("name", list(ORDER_SERVICES))
def test_every_order_move_in_every_state(english, name, status, kind):
    order = _order(status, kind)
    refusal = ORDER_FLOW.refusal(order, name)
    move = ORDER_FLOW[name]
    if refusal is None:
        savepoint = db.session.begin_nested()
        ORDER_SERVICES[name](order)
        assert order.status is (move.target or status)
        if name == "lunas":
            assert order.is_paid
        savepoint.rollback()
        return
    if name == "lunas" and order.is_paid:
        # A person pressing "paid" again is told so first, whatever the state.
        assert str(refusal.message) == "This order is already marked paid."
    elif status not in move.sources:
        assert str(refusal.message) == ORDER_REFUSALS[name]
    with pytest.raises(InvalidTransition) as refused:
        ORDER_SERVICES[name](order)
    assert str(refused.value.message) == str(refusal.message)
    assert order.status is status


@pytest.mark.parametrize("status", list(OrderStatus))
@pytest.mark.parametrize("payment_status", [PaymentStatus.UNPAID, PaymentStatus.PROOF_SENT])
def test_only_an_unpaid_open_order_expires(app_ctx, status, payment_status):
    order = make_order(status=status, payment_status=payment_status)
    expirable = status in ORDER_SOURCES["kedaluwarsa"] and payment_status is PaymentStatus.UNPAID
    assert (ORDER_FLOW.refusal(order, "kedaluwarsa") is None) is expirable
    assert orders.expire_order(order) is expirable
    assert order.status is (OrderStatus.EXPIRED if expirable else status)


@pytest.mark.parametrize("kind", ORDER_KINDS, ids=lambda k: "-".join(map(str, k)))
def test_the_order_page_shows_the_buttons_of_the_table(client, login_as, kind):
    membership = MembershipFactory(role=Role.MEMBER, group=GroupFactory(offers_courier=True))
    login_as(membership.user)
    for status in OrderStatus:
        order = _order(status, kind)
        order.group = membership.group
        db.session.flush()
        expected = set(ORDER_FLOW.offered(order))
        html = client.get(f"/kelola/{membership.group.slug}/pesanan/{order.number}").get_data(
            as_text=True
        )
        shown = buttons(html, r'action="/kelola/[^/]+/pesanan/[^/]+/([a-z]+)"')
        assert shown == expected, (status, kind)
        assert "kedaluwarsa" not in shown
