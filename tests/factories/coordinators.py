"""Coordinators and what they curate: featured groups and exhibitions."""

from __future__ import annotations

from datetime import date, timedelta

import factory

from shop.coordinators.models import (
    Coordinator,
    CoordinatorProgramme,
    CoordinatorRegion,
    Exhibition,
    ExhibitionGroup,
    ExhibitionProduct,
    FeaturedGroup,
)
from shop.extensions import db
from tests.factories.accounts import UserFactory
from tests.factories.base import Base
from tests.factories.groups import GroupFactory


class CoordinatorFactory(Base):
    """A coordinator; `programmes=[Programme.UPPKA]` and `regions=["15", "15.71"]`
    (province or regency codes) narrow the scope, `is_operator=True` lifts it."""

    class Meta:
        model = Coordinator

    user = factory.SubFactory(UserFactory, name=factory.Sequence(lambda n: f"Koordinator {n}"))
    is_operator = False
    organisation = "BKKBN Provinsi Jambi"

    @factory.post_generation
    def programmes(obj, create, extracted, **kwargs):
        for programme in extracted or ():
            obj.programmes.append(CoordinatorProgramme(programme=programme))

    @factory.post_generation
    def regions(obj, create, extracted, **kwargs):
        for code in extracted or ():
            field = "province_code" if "." not in code else "regency_code"
            obj.regions.append(CoordinatorRegion(**{field: code}))
        db.session.flush()


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
