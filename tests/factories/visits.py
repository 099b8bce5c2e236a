"""Monitoring visits: a visit to a group, its photos and its recommendations."""

from __future__ import annotations

from datetime import date

import factory

from shop.visits.models import FollowUp, MonevVisit, MonevVisitPhoto
from tests.factories.accounts import UserFactory
from tests.factories.base import Base
from tests.factories.groups import GroupFactory
from tests.factories.media import ImageFactory


class MonevVisitFactory(Base):
    """A visit of 1 December 2026 with a finding on production."""

    class Meta:
        model = MonevVisit

    group = factory.SubFactory(GroupFactory)
    visited_on = date(2026, 12, 1)
    met = "Bu Sari (ketua)"
    finding_production = "Produksi 20 kg abon per minggu."
    recorded_by = factory.SubFactory(UserFactory)
    recorded_by_name = factory.SelfAttribute("recorded_by.name")


class MonevVisitPhotoFactory(Base):
    class Meta:
        model = MonevVisitPhoto

    visit = factory.SubFactory(MonevVisitFactory)
    image = factory.SubFactory(ImageFactory, private=True)


class FollowUpFactory(Base):
    """An open recommendation due on 15 December 2026."""

    class Meta:
        model = FollowUp

    visit = factory.SubFactory(MonevVisitFactory)
    text = factory.Sequence(lambda n: f"Saran {n}: cantumkan nomor PIRT di label")
    due_on = date(2026, 12, 15)
