"""Bulk requests: a group's weekly capacity, an open request, who was told,
offers, and contact codes."""

from __future__ import annotations

from datetime import timedelta

import factory

from shop.bulk.models import (
    BulkInvitation,
    BulkOffer,
    BulkRequest,
    ContactCode,
    ContactPurpose,
    GroupCapacity,
    RequestStatus,
)
from shop.catalogue.models import Category
from shop.core.clock import jakarta_today
from shop.db import utcnow
from shop.groups.models import DeliveryMethod
from tests.factories.base import Base
from tests.factories.groups import GroupFactory


class GroupCapacityFactory(Base):
    class Meta:
        model = GroupCapacity

    group = factory.SubFactory(GroupFactory)
    category = Category.CAKES
    weekly_quantity = 200


class BulkRequestFactory(Base):
    """An open request (contact verified) for 300 snack boxes in Jambi."""

    class Meta:
        model = BulkRequest

    number = factory.Sequence(lambda n: f"BR-T{n:05d}")
    key = factory.Sequence(lambda n: f"key-{n:060d}")
    institution = "Dinas Koperasi Kota Jambi"
    contact_name = "Bu Rina"
    contact_phone = "+6281299990000"
    contact_email = "rina@dinas.example"
    contact_verified_at = factory.LazyFunction(utcnow)
    category = Category.CAKES
    title = "Kotak snack rapat"
    description = "Isi 3 kue, kotak karton."
    quantity = 300
    needed_by = factory.LazyFunction(lambda: jakarta_today() + timedelta(days=21))
    budget_per_unit = 15000
    province_code = "15"
    regency_code = "15.71"
    address = "Jl. Jend. Sudirman 1, Jambi"
    min_weekly_capacity = 25
    status = RequestStatus.OPEN
    opened_at = factory.LazyFunction(utcnow)


class BulkInvitationFactory(Base):
    class Meta:
        model = BulkInvitation

    request = factory.SubFactory(BulkRequestFactory)
    group = factory.SubFactory(GroupFactory)


class BulkOfferFactory(Base):
    class Meta:
        model = BulkOffer

    request = factory.SubFactory(BulkRequestFactory)
    group = factory.SubFactory(GroupFactory)
    unit_price = 14000
    quantity = 200
    ready_by = factory.LazyFunction(lambda: jakarta_today() + timedelta(days=20))
    delivery_method = DeliveryMethod.PICKUP
    delivery_fee = 0


class ContactCodeFactory(Base):
    class Meta:
        model = ContactCode

    contact = "rina@dinas.example"
    purpose = ContactPurpose.ACCESS
    secret_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: utcnow() + timedelta(minutes=15))
