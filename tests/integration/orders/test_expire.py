"""`flask orders expire`: unpaid orders past their deadline give their stock back, once."""

from __future__ import annotations

from datetime import timedelta

from shop.cart.session import CartIdentity
from shop.catalogue.models import Variant
from shop.catalogue.services import refresh_derived
from shop.checkout import services
from shop.checkout.services import Buyer, GroupChoice, Placement
from shop.db import utcnow
from shop.extensions import db
from shop.orders.models import OrderStatus, PaymentStatus
from tests.factories import GroupFactory, ProductFactory, VariantFactory


def place(variant, group, token):
    return services.place_orders(
        Placement(
            cart={str(variant.id): 2},
            quoted={str(variant.id): variant.price},
            choices={group.id: GroupChoice("pickup", "transfer")},
            identity=CartIdentity(token, 0),
            buyer=Buyer("Bu Ani", "+6281234567890", None, "", "15", "15.71", None),
        )
    ).orders[0]


def test_expiry_returns_stock_once_and_spares_proofs(app):
    group = GroupFactory()
    product = ProductFactory(group=group)
    variant = VariantFactory(product=product, price=20000, stock=5)
    refresh_derived(product)
    late = place(variant, group, "t1")
    waiting = place(variant, group, "t2")
    waiting.payment_status = PaymentStatus.PROOF_SENT
    for order in (late, waiting):
        order.expires_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    assert db.session.get(Variant, variant.id).stock == 1

    runner = app.test_cli_runner()
    first = runner.invoke(args=["orders", "expire"])
    second = runner.invoke(args=["orders", "expire"])

    assert first.exit_code == 0 and "Expired 1" in first.output
    assert second.exit_code == 0 and "Expired 0" in second.output
    db.session.expire_all()
    assert late.status is OrderStatus.EXPIRED and late.events[-1].kind == "expired"
    assert waiting.status is OrderStatus.PLACED
    assert db.session.get(Variant, variant.id).stock == 3
