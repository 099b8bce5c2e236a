"""Consignment: the outlets (warung) a group leaves goods at, the drop-offs
(nota titip) and their lines, and the visits that count them.

These build rows as they are; the services (`leave_goods`, `record_visit`)
keep the running counters, so a test of the money or the stock uses those."""

from __future__ import annotations

from datetime import date

import factory

from shop.consignment.models import Consignment, ConsignmentLine, Outlet, Visit, VisitLine
from tests.factories.base import Base
from tests.factories.groups import GroupFactory


class OutletFactory(Base):
    class Meta:
        model = Outlet

    group = factory.SubFactory(GroupFactory)
    name = factory.Sequence(lambda n: f"Warung Bu Sari {n}")
    owner_name = "Bu Sari"
    whatsapp = "+6281298765432"
    province_code = "15"
    regency_code = "15.05"
    district_code = "15.05.01"
    address = "Jl. Pasar No. 3"


class ConsignmentFactory(Base):
    """A drop-off at an outlet (a new one unless given), today, of its group."""

    class Meta:
        model = Consignment

    outlet = factory.SubFactory(OutletFactory)
    group_id = factory.SelfAttribute("outlet.group_id")
    number = factory.Sequence(lambda n: f"NT-T{n:05d}")
    left_on = factory.LazyFunction(date.today)


class ConsignmentLineFactory(Base):
    """Five packs of Abon Lele left at Rp22.000 each, none counted yet."""

    class Meta:
        model = ConsignmentLine

    consignment = factory.SubFactory(ConsignmentFactory)
    product_name = "Abon Lele"
    variant_label = "100 g"
    unit_price = 22000
    quantity = 5


class VisitFactory(Base):
    """A visit to an outlet (a new one unless given) today."""

    class Meta:
        model = Visit

    outlet = factory.SubFactory(OutletFactory)
    group_id = factory.SelfAttribute("outlet.group_id")
    visited_on = factory.LazyFunction(date.today)


class VisitLineFactory(Base):
    """What a visit counted on one line: one unit sold. The visit is a new one
    at the line's outlet unless given."""

    class Meta:
        model = VisitLine

    line = factory.SubFactory(ConsignmentLineFactory)
    visit = factory.SubFactory(
        VisitFactory, outlet=factory.SelfAttribute("..line.consignment.outlet")
    )
    sold = 1
