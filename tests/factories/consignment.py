"""Consignment: the outlets (warung) a group leaves goods at."""

from __future__ import annotations

import factory

from shop.consignment.models import Outlet
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
