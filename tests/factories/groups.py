"""Groups: a group, its members, bank accounts and legal documents."""

from __future__ import annotations

import factory

from shop.groups.models import (
    BankAccount,
    DocumentKind,
    Group,
    GroupDocument,
    Membership,
    Programme,
    Role,
)
from tests.factories.accounts import UserFactory
from tests.factories.base import Base


class GroupFactory(Base):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"Kelompok Lele Makmur {n}")
    slug = factory.Sequence(lambda n: f"kelompok-lele-makmur-{n}")
    programme = Programme.UPPKA
    province_code = "15"
    regency_code = "15.05"
    district_code = "15.05.01"
    story = "Kelompok ibu-ibu pengolah ikan lele."
    whatsapp = "+6281234567890"
    member_count = 12


class MembershipFactory(Base):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.LEADER


class BankAccountFactory(Base):
    class Meta:
        model = BankAccount

    group = factory.SubFactory(GroupFactory)
    bank_name = "BRI"
    account_number = "0123456789"
    account_holder = "Sri"


class GroupDocumentFactory(Base):
    """A legal document of a group: pass `document=` (a PDF row) or `image=`."""

    class Meta:
        model = GroupDocument

    group = factory.SubFactory(GroupFactory)
    kind = DocumentKind.DECREE
