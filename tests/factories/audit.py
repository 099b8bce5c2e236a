"""Audit: entries of the audit log (who did what to which group, and why)."""

from __future__ import annotations

import factory

from shop.audit.models import AuditAction, AuditEntry
from tests.factories.accounts import UserFactory
from tests.factories.base import Base
from tests.factories.groups import GroupFactory


class AuditEntryFactory(Base):
    """A note on a group by a new user, under the name they had then."""

    class Meta:
        model = AuditEntry

    actor = factory.SubFactory(UserFactory)
    actor_name = factory.SelfAttribute("actor.name")
    action = AuditAction.GROUP_NOTE
    group = factory.SubFactory(GroupFactory)
    subject = factory.SelfAttribute("group.name")
    reason = "Dicek saat kunjungan lapangan."
