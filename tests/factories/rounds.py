"""Pre-order rounds: a round and its items."""

from __future__ import annotations

from datetime import timedelta

import factory

from shop.core.clock import jakarta_today, midnight_utc
from shop.rounds.models import Round, RoundItem, RoundStatus
from tests.factories.base import Base
from tests.factories.catalogue import ProductFactory, VariantFactory
from tests.factories.groups import GroupFactory


class RoundFactory(Base):
    """An open round of a new group taking orders until the end of the day
    after tomorrow (Jakarta), ready four days later. Made directly: use
    `shop.rounds.services.open_round` for one whose products point at it."""

    class Meta:
        model = Round

    group = factory.SubFactory(GroupFactory)
    title = factory.Sequence(lambda n: f"Ronde Uji {n}")
    last_order_day = factory.LazyFunction(lambda: jakarta_today() + timedelta(days=2))
    closes_at = factory.LazyAttribute(lambda o: midnight_utc(o.last_order_day + timedelta(days=1)))
    ready_on = factory.LazyAttribute(lambda o: o.last_order_day + timedelta(days=4))
    status = RoundStatus.OPEN


class RoundItemFactory(Base):
    class Meta:
        model = RoundItem

    round = factory.SubFactory(RoundFactory)
    product = factory.SubFactory(ProductFactory)
    variant = factory.SubFactory(VariantFactory, product=factory.SelfAttribute("..product"))
    capacity = 10
    taken = 0
