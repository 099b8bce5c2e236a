"""The demo content as plain data: seven groups in six provinces, their people and products."""

from __future__ import annotations

from dataclasses import dataclass

from shop.demo.data.base import DemoGroup, DemoProduct
from shop.demo.data.dapur_sasak import DAPUR_SASAK
from shop.demo.data.ibu_rappocini import IBU_RAPPOCINI
from shop.demo.data.karya_mandiri import KARYA_MANDIRI
from shop.demo.data.kopwan_mojoroto import KOPWAN_MOJOROTO
from shop.demo.data.mina_sejahtera import MINA_SEJAHTERA
from shop.demo.data.people import DEMO_PASSWORD, PEOPLE, person
from shop.demo.data.purun_banua import PURUN_BANUA
from shop.demo.data.sekar_melati import SEKAR_MELATI
from shop.groups.models import Role

__all__ = [
    "DEMO_PASSWORD",
    "GROUPS",
    "PEOPLE",
    "DemoGroup",
    "DemoLogin",
    "DemoProduct",
    "logins",
]

# The load order decides which products are newest.
GROUPS: tuple[DemoGroup, ...] = (
    MINA_SEJAHTERA,
    SEKAR_MELATI,
    KOPWAN_MOJOROTO,
    KARYA_MANDIRI,
    PURUN_BANUA,
    DAPUR_SASAK,
    IBU_RAPPOCINI,
)


@dataclass(frozen=True)
class DemoLogin:
    """One row of the table of demo logins: a person in one group."""

    name: str
    phone: str
    group: str
    role: Role


def logins() -> list[DemoLogin]:
    """Every ketua in group order, then the members by phone number."""
    leaders = [
        DemoLogin(person(g.leader).name, person(g.leader).phone, g.profile.name, Role.LEADER)
        for g in GROUPS
    ]
    members = [
        DemoLogin(person(key).name, person(key).phone, g.profile.name, Role.MEMBER)
        for g in GROUPS
        for key in g.members
    ]
    return leaders + sorted(members, key=lambda row: row.phone)
