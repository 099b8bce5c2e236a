"""Payments: transfer proofs, refunds and the Stripe events already handled."""

from __future__ import annotations

import factory

from shop.groups.models import PaymentMethod
from shop.payments.models import (
    PaymentProof,
    ProcessedStripeEvent,
    Refund,
    RefundCause,
)
from tests.factories.base import Base
from tests.factories.media import DocumentFactory
from tests.factories.orders import OrderFactory


class PaymentProofFactory(Base):
    """A transfer receipt (a PDF row unless `image=` is given) for an order
    (a new one unless `order=` is given: PaymentProof keeps only its id)."""

    class Meta:
        model = PaymentProof

    class Params:
        order = factory.SubFactory(OrderFactory)

    order_id = factory.SelfAttribute("order.id")
    document = factory.Maybe(
        "image", yes_declaration=None, no_declaration=factory.SubFactory(DocumentFactory)
    )
    image = None


class RefundFactory(Base):
    """Rp50.000 a group owes back for a cancelled transfer order."""

    class Meta:
        model = Refund

    order = factory.SubFactory(OrderFactory)
    amount = 50000
    method = PaymentMethod.TRANSFER
    cause = RefundCause.CANCELLED


class ProcessedStripeEventFactory(Base):
    class Meta:
        model = ProcessedStripeEvent

    event_id = factory.Sequence(lambda n: f"evt_test_{n:08d}")
    kind = "checkout.session.completed"
