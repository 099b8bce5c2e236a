"""Curation: featured groups and exhibitions with their groups and products."""

from __future__ import annotations

from datetime import date, timedelta

import factory

from shop.curation.models import (
    Exhibition,
    ExhibitionGroup,
    ExhibitionProduct,
    FeaturedGroup,
)
from shop.extensions import db
from tests.factories.base import Base
from tests.factories.catalogue import ProductFactory
from tests.factories.groups import GroupFactory


class FeaturedGroupFactory(Base):
    """A group on the home page from `starts_on` (today unless given)."""

    class Meta:
        model = FeaturedGroup

    group = factory.SubFactory(GroupFactory)
    starts_on = factory.LazyFunction(date.today)


class ExhibitionFactory(Base):
    """An exhibition running from yesterday for five days, unpublished unless
    `is_published=True`; `groups=[…]` and `products=[…]` are shown in that order."""

    class Meta:
        model = Exhibition

    slug = factory.Sequence(lambda n: f"pameran-uji-{n}")
    title = factory.Sequence(lambda n: f"Pameran Uji {n}")
    starts_on = factory.LazyFunction(lambda: date.today() - timedelta(days=1))
    ends_on = factory.LazyFunction(lambda: date.today() + timedelta(days=5))
    is_published = False

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        if extracted is not None:
            obj.groups = [ExhibitionGroup(group=g, position=n) for n, g in enumerate(extracted)]

    @factory.post_generation
    def products(obj, create, extracted, **kwargs):
        if extracted is not None:
            obj.products = [
                ExhibitionProduct(product=p, position=n) for n, p in enumerate(extracted)
            ]
        db.session.flush()


class ExhibitionGroupFactory(Base):
    """A group shown in an exhibition (`ExhibitionFactory(groups=…)` shows
    several in order)."""

    class Meta:
        model = ExhibitionGroup

    class Params:
        exhibition = factory.SubFactory(ExhibitionFactory)

    exhibition_id = factory.SelfAttribute("exhibition.id")
    group = factory.SubFactory(GroupFactory)
    position = 0


class ExhibitionProductFactory(Base):
    """A product shown in an exhibition (`ExhibitionFactory(products=…)` shows
    several in order)."""

    class Meta:
        model = ExhibitionProduct

    class Params:
        exhibition = factory.SubFactory(ExhibitionFactory)

    exhibition_id = factory.SelfAttribute("exhibition.id")
    product = factory.SubFactory(ProductFactory)
    position = 0
