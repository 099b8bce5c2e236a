"""Coordinators and their scope: the programmes and regions they cover."""

from __future__ import annotations

import factory

from shop.coordinators.models import Coordinator, CoordinatorProgramme, CoordinatorRegion
from shop.extensions import db
from shop.groups.models import Programme
from tests.factories.accounts import UserFactory
from tests.factories.base import Base


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


class CoordinatorProgrammeFactory(Base):
    """One programme in a coordinator's scope (`CoordinatorFactory(programmes=…)`
    makes them in one go)."""

    class Meta:
        model = CoordinatorProgramme

    class Params:
        coordinator = factory.SubFactory(CoordinatorFactory)

    coordinator_id = factory.SelfAttribute("coordinator.id")
    programme = Programme.UPPKA


class CoordinatorRegionFactory(Base):
    """One region in a coordinator's scope: the province of Jambi unless
    `regency_code` (and `province_code=None`) is given."""

    class Meta:
        model = CoordinatorRegion

    class Params:
        coordinator = factory.SubFactory(CoordinatorFactory)

    coordinator_id = factory.SelfAttribute("coordinator.id")
    province_code = "15"
