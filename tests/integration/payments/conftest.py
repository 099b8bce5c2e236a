"""Card payment fixtures: a fake Stripe API on 127.0.0.1, the app's Stripe keys
pointed at it, and card orders as `place_orders` leaves them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shop.db import utcnow
from shop.groups.models import DeliveryMethod, PaymentMethod
from shop.orders import services as orders
from shop.orders.models import Order, OrderStatus
from tests.factories import OrderFactory, VariantFactory
from tests.fakes.stripe_api import FakeStripe, serve


@pytest.fixture(scope="session")
def stripe_api():
    with serve(FakeStripe()) as fake:
        yield fake


@pytest.fixture
def stripe_keys(app, stripe_api, monkeypatch) -> FakeStripe:
    """Card payments on, against the fake; each test starts with no sessions.
    Not autouse: the transfer tests in this folder run without Stripe."""
    stripe_api.reset()
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", stripe_api.api_key)
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", stripe_api.webhook_secret)
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", stripe_api.url)
    return stripe_api


@pytest.fixture
def card_order():
    """A placed order of one tracked-stock variant, confirmed by default.

    The variant is created with `stock - quantity` left, as if `place_orders`
    had taken `quantity` (the line says `stock_taken`), so a test can see the
    stock come back.
    """

    def make(
        *,
        price: int = 25_000,
        quantity: int = 3,
        stock: int | None = 10,
        shipping_fee: int | None = 0,
        status: OrderStatus = OrderStatus.CONFIRMED,
        payment: PaymentMethod = PaymentMethod.CARD,
        email: str | None = "sari@example.test",
    ) -> Order:
        variant = VariantFactory(price=price, stock=None if stock is None else stock - quantity)
        delivery = {0: DeliveryMethod.PICKUP, None: DeliveryMethod.COURIER}.get(
            shipping_fee, DeliveryMethod.LOCAL
        )
        now = utcnow()
        confirmed = status is not OrderStatus.PLACED
        return OrderFactory(
            number=orders.new_order_number(),
            tracking_token=orders.new_tracking_token(),
            group=variant.product.group,
            buyer_name="Bu Sari",
            buyer_phone="+6281234500001",
            buyer_email=email,
            delivery_method=delivery,
            payment_method=payment,
            status=status,
            shipping_fee=shipping_fee,
            expires_at=now + timedelta(days=3),
            confirmed_at=now if confirmed else None,
            lines=[(variant, price, quantity)],
            events=("placed", "confirmed") if confirmed else ("placed",),
        )

    return make
