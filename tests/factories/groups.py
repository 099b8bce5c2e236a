"""Groups: a group, its members and invitation links, bank accounts and
legal documents."""

from __future__ import annotations

from datetime import timedelta

import factory

from shop.db import utcnow
from shop.groups.models import (
    AlertChannel,
    BankAccount,
    DocumentKind,
    Group,
    GroupDocument,
    Invitation,
    MemberAlerts,
    Membership,
    Programme,
    Role,
)
from tests.factories.accounts import UserFactory
from tests.factories.base import Base
from tests.factories.media import DocumentFactory


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
    # It accepts transfers (the model's default), so it has the account buyers
    # transfer to: without one, checkout offers no transfer.
    # `GroupFactory(bank_account=None)` makes a group without.
    bank_account = factory.RelatedFactory(
        "tests.factories.groups.BankAccountFactory", factory_related_name="group"
    )


class MembershipFactory(Base):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.LEADER


class MemberAlertsFactory(Base):
    """A member's saved choice of WhatsApp order alerts (without a row: the
    role's defaults)."""

    class Meta:
        model = MemberAlerts

    membership = factory.SubFactory(MembershipFactory)
    channel = AlertChannel.WHATSAPP
    new_order = True


class InvitationFactory(Base):
    """A group's invitation link, usable for a week (its hash only: no token
    opens it)."""

    class Meta:
        model = Invitation

    group = factory.SubFactory(GroupFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=7))


class BankAccountFactory(Base):
    class Meta:
        model = BankAccount

    group = factory.SubFactory(GroupFactory)
    bank_name = "BRI"
    account_number = "0123456789"
    account_holder = "Sri"


class GroupDocumentFactory(Base):
    """A legal document of a group: pass `document=` (a PDF row) or `image=`
    (a PDF row with no file behind it unless either is given)."""

    class Meta:
        model = GroupDocument

    group = factory.SubFactory(GroupFactory)
    kind = DocumentKind.DECREE
    image = None
    document = factory.Maybe(
        "image", yes_declaration=None, no_declaration=factory.SubFactory(DocumentFactory)
    )
