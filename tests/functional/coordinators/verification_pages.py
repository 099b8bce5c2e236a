"""What the coordinator's verification page tests share: the badge a verified
group shows, a group's PDF document, a group in Jambi (UPPKA), the e-mails
and audit entries written, and the fixtures `english` and `signed_in` (a
coordinator of UPPKA in Jambi, reading English), defined as
`english_fixture` and `signed_in_fixture`: import them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.audit.models import AuditEntry
from shop.extensions import db
from shop.groups.models import (
    GroupDocument,
    Programme,
)
from shop.notify.models import OutboxMessage
from tests.factories import (
    GroupDocumentFactory,
    GroupFactory,
    stored_pdf,
)

BADGE = '<span aria-hidden="true">✓</span> Verified'


def add_document(group, key: str, title="SK Pembentukan Kelompok") -> GroupDocument:
    return GroupDocumentFactory(group=group, title=title, document=stored_pdf(key))


@pytest.fixture(name="english")
def english_fixture(client):
    client.get("/bahasa/en")


@pytest.fixture(name="signed_in")
def signed_in_fixture(client, as_coordinator, jambi_uppka, english):
    return as_coordinator(jambi_uppka)


def jambi_group(**fields):
    return GroupFactory(
        programme=Programme.UPPKA,
        province_code="15",
        regency_code=fields.pop("regency_code", "15.71"),
        district_code=None,
        **fields,
    )


def emails_to(address: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)))


def audit_entries(group, action=None) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.group_id == group.id)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    return list(db.session.scalars(stmt))
