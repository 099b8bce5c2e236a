"""Regions: provinces, regencies and districts of the factories' own.

The migrations load every real region (numeric codes such as "15", "15.71");
the factories' codes are letters, so they never meet a real one. Most tests
use the real Jambi codes the other factories default to instead."""

from __future__ import annotations

import string

import factory

from shop.regions.models import District, Province, Regency
from tests.factories.base import Base


def _letters(n: int) -> str:
    """ "AA", "AB", … "ZZ": a two-letter code no real province has."""
    return string.ascii_uppercase[n // 26 % 26] + string.ascii_uppercase[n % 26]


class ProvinceFactory(Base):
    class Meta:
        model = Province

    code = factory.Sequence(_letters)
    name = factory.Sequence(lambda n: f"Provinsi Uji {n}")


class RegencyFactory(Base):
    class Meta:
        model = Regency

    province = factory.SubFactory(ProvinceFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.province.code}.{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Kabupaten Uji {n}")


class DistrictFactory(Base):
    """A district; `regency` is a new one unless given (District has no
    relationship to it, only the code)."""

    class Meta:
        model = District

    class Params:
        regency = factory.SubFactory(RegencyFactory)

    regency_code = factory.SelfAttribute("regency.code")
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.regency_code}.{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Kecamatan Uji {n}")
