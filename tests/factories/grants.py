"""Grants: a group's grants and the equipment they bought, with photos."""

from __future__ import annotations

from datetime import date

import factory

from shop.core.clock import midnight_utc
from shop.grants.models import Grant, GrantItem, GrantItemPhoto, GrantSource
from tests.factories.base import Base
from tests.factories.groups import GroupFactory
from tests.factories.media import ImageFactory


class GrantFactory(Base):
    """A Rp40,000,000 APBN grant of 2024 received on 15 March 2024;
    `received_at` follows `received_on` as the services keep it."""

    class Meta:
        model = Grant

    group = factory.SubFactory(GroupFactory)
    programme = "JPS TKM"
    funding_year = 2024
    amount = 40_000_000
    source = GrantSource.APBN
    received_on = date(2024, 3, 15)
    received_at = factory.LazyAttribute(lambda grant: midnight_utc(grant.received_on))


class GrantItemFactory(Base):
    class Meta:
        model = GrantItem

    grant = factory.SubFactory(GrantFactory)
    name = factory.Sequence(lambda n: f"Peralatan {n}")
    quantity = 1
    cost = 5_000_000


class GrantItemPhotoFactory(Base):
    class Meta:
        model = GrantItemPhoto

    item = factory.SubFactory(GrantItemFactory)
    image = factory.SubFactory(ImageFactory)
