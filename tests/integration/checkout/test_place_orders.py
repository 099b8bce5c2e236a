"""place_orders: one order per group, all or nothing, once per form, stock taken atomically."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shop.cart.session import CartIdentity
from shop.catalogue.models import Variant
from shop.catalogue.services import refresh_derived
from shop.checkout import services
from shop.checkout.services import Buyer, GroupChoice, Placement
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import DeliveryMethod, PaymentMethod
from shop.notify.models import OutboxMessage
from shop.orders.models import Checkout, Order, OrderLine, OrderStatus
from tests.factories import CheckoutFactory, GroupFactory, ProductFactory, VariantFactory


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def two_groups():
    a = GroupFactory(
        name="Kelompok A", offers_courier=True, offers_local_delivery=True, local_delivery_fee=10000
    )
    b = GroupFactory(name="Kelompok B")
    pa = ProductFactory(group=a, name="Abon Lele")
    pb = ProductFactory(group=b, name="Tas Rajut")
    va = VariantFactory(product=pa, price=25000, stock=5)
    vb = VariantFactory(product=pb, price=150000, stock=None, lead_time_days=7)
    for product in (pa, pb):
        refresh_derived(product)
    return a, b, va, vb


CART = "0123456789abcdef0123456789abcdef"


def placement(cart, variants, choices, version=1, **buyer):
    return Placement(
        cart={str(v.id): q for v, q in cart},
        quoted={str(v.id): v.price for v in variants},
        choices=choices,
        identity=CartIdentity(CART, version),
        buyer=Buyer(
            name=buyer.get("name", "Bu Ani"),
            phone="+6281234567890",
            email=None,
            address="Jl. Kenanga 5",
            province_code="15",
            regency_code="15.71",
            district_code=None,
        ),
    )


def test_one_order_per_group_with_snapshots(two_groups):
    a, b, va, vb = two_groups
    choices = {
        a.id: GroupChoice("local", "transfer"),
        b.id: GroupChoice("pickup", "cash"),
    }
    checkout = services.place_orders(placement([(va, 2), (vb, 1)], [va, vb], choices))
    orders = {o.group_id: o for o in checkout.orders}
    order_a, order_b = orders[a.id], orders[b.id]
    assert order_a.subtotal == 50000 and order_a.shipping_fee == 10000
    assert 1 <= order_a.unique_code < 500 and order_a.total == 60000 + order_a.unique_code
    assert order_a.payment_method is PaymentMethod.TRANSFER and order_a.expires_at is not None
    assert order_b.total == 150000 and order_b.unique_code == 0 and order_b.expires_at is None
    assert order_b.delivery_method is DeliveryMethod.PICKUP
    assert order_a.number != order_b.number and order_a.number.startswith("ET-")
    assert len(order_a.tracking_token) >= 40
    db.session.refresh(va)
    assert va.stock == 3
    # a later edit of the product never changes the placed order
    va.price = 99000
    va.product.name = "Abon Lele Baru"
    db.session.flush()
    line = db.session.scalar(select(OrderLine).where(OrderLine.order_id == order_a.id))
    assert (line.product_name, line.unit_price, line.quantity) == ("Abon Lele", 25000, 2)


def test_one_cart_version_places_once(two_groups):
    a, b, va, vb = two_groups
    choices = {a.id: GroupChoice("pickup", "cash"), b.id: GroupChoice("pickup", "cash")}
    first = services.place_orders(placement([(va, 1), (vb, 1)], [va, vb], choices))
    again = services.place_orders(placement([(va, 1), (vb, 1)], [va, vb], choices))
    assert again.id == first.id
    assert count(Order) == 2 and count(Checkout) == 1
    db.session.refresh(va)
    assert va.stock == 4  # taken once
    # The same cart, changed and ordered again, is a new set of orders.
    later = services.place_orders(placement([(va, 2)], [va], choices, version=2))
    assert later.id != first.id and count(Order) == 3
    db.session.refresh(va)
    assert va.stock == 2


def test_a_second_checkout_row_of_one_cart_version_is_refused(two_groups):
    """The database itself refuses a second Checkout of one cart version, so
    two requests that both missed the first row cannot both place orders."""
    from sqlalchemy.exc import IntegrityError

    CheckoutFactory(cart_id=CART, cart_version=3)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        CheckoutFactory(cart_id=CART, cart_version=3)
    assert count(Checkout) == 1


def test_changed_price_stops_the_checkout(two_groups):
    a, b, va, vb = two_groups
    p = placement([(va, 1)], [va], {a.id: GroupChoice("pickup", "cash")})
    va.price = 30000
    db.session.flush()
    with pytest.raises(services.PriceChanged):
        services.place_orders(p)


def test_sold_out_changes_nothing(two_groups):
    a, b, va, vb = two_groups
    choices = {a.id: GroupChoice("pickup", "cash"), b.id: GroupChoice("pickup", "cash")}
    before = (count(Order), count(OrderLine), count(Checkout))
    savepoint = db.session.begin_nested()
    with pytest.raises(DomainError):
        services.place_orders(placement([(va, 6), (vb, 1)], [va, vb], choices))
    savepoint.rollback()
    assert (count(Order), count(OrderLine), count(Checkout)) == before
    assert db.session.get(Variant, va.id).stock == 5


def test_stock_race_loser_gets_sold_out(two_groups):
    """The conditional UPDATE refuses when someone took the stock meanwhile."""
    a, b, va, vb = two_groups
    p = placement([(va, 5)], [va], {a.id: GroupChoice("pickup", "cash")})
    from shop.catalogue import stock

    assert stock.take(va.id, 3)  # another buyer got there first
    with pytest.raises(services.SoldOut):
        services.place_orders(p)


def test_group_choice_must_be_offered(two_groups):
    a, b, va, vb = two_groups
    with pytest.raises(DomainError):
        services.place_orders(placement([(vb, 1)], [vb], {b.id: GroupChoice("courier", "cash")}))
    with pytest.raises(DomainError):
        services.place_orders(placement([(vb, 1)], [vb], {b.id: GroupChoice("pickup", "card")}))


def test_courier_orders_wait_for_the_fee(two_groups):
    a, b, va, vb = two_groups
    checkout = services.place_orders(
        placement([(va, 1)], [va], {a.id: GroupChoice("courier", "transfer")})
    )
    order = checkout.orders[0]
    assert order.shipping_fee is None and order.total is None and order.expires_at is None
    assert order.status is OrderStatus.PLACED


def test_placing_orders_runs_a_bounded_number_of_statements(count_queries):
    """Three groups, two products each: the statement count does not grow
    with the number of lines (bulk reads, one UPDATE per tracked variant)."""

    def cart_of(groups: int, per_group: int):
        variants, choices = [], {}
        for _ in range(groups):
            group = GroupFactory()
            choices[group.id] = GroupChoice("pickup", "cash")
            for _ in range(per_group):
                product = ProductFactory(group=group)
                variants.append(VariantFactory(product=product, price=10000, stock=50))
                refresh_derived(product)
        return variants, choices

    small, small_choices = cart_of(3, 1)
    with count_queries() as few:
        services.place_orders(placement([(v, 1) for v in small], small, small_choices, version=1))
    big, big_choices = cart_of(3, 4)
    with count_queries() as many:
        services.place_orders(placement([(v, 1) for v in big], big, big_choices, version=2))
    extra_updates = len(big) - len(small)  # one conditional UPDATE per tracked variant
    assert many.count <= few.count + extra_updates + 3 * 3, many.statements
    assert few.count <= 40, few.statements


def test_stock_is_taken_in_one_statement_only_where_enough_is_left(two_groups):
    a, b, va, vb = two_groups
    from shop.catalogue import stock

    assert stock.take_all({va.id: 2, vb.id: 1}) == {va.id: 3}  # vb's stock is not counted
    assert stock.take_all({va.id: 4}) == {}
    db.session.refresh(va)
    assert va.stock == 3


def test_stock_taken_meanwhile_stops_everything(two_groups, monkeypatch):
    """Another buyer takes the stock between the read and the UPDATE: the
    buyer is told which product sold out and nothing of the cart stays."""
    a, b, va, vb = two_groups
    from shop.catalogue import stock

    read = services._load_variants

    def read_then_someone_buys(cart):
        variants = read(cart)
        assert stock.take(va.id, 4)
        return variants

    monkeypatch.setattr(services, "_load_variants", read_then_someone_buys)
    choices = {a.id: GroupChoice("pickup", "cash"), b.id: GroupChoice("pickup", "cash")}
    p = placement([(va, 2), (vb, 1)], [va, vb], choices)
    p.buyer.email = "ani@example.id"  # her messages are written before the stock is taken
    before = (count(Order), count(OrderLine), count(Checkout), count(OutboxMessage))
    with pytest.raises(services.SoldOut, match="Abon Lele") as refused:
        services.place_orders(p)
    assert not isinstance(refused.value, services.CartProblem)
    assert (count(Order), count(OrderLine), count(Checkout), count(OutboxMessage)) == before
    db.session.refresh(va)
    assert va.stock == 5  # the other buyer's take was in the same savepoint here


def test_the_last_units_take_the_product_out_of_ready_stock(two_groups, count_queries):
    a, b, va, vb = two_groups
    assert va.product.in_stock
    with count_queries() as counted:
        services.place_orders(placement([(va, 5)], [va], {a.id: GroupChoice("pickup", "cash")}))
    assert sum(s.lstrip().startswith("UPDATE product") for s in counted.statements) == 1
    assert not any(s.lstrip().startswith("SELECT variant.stock") for s in counted.statements)
    db.session.refresh(va.product)
    assert va.product.in_stock is False
