"""Shared pieces of the bulk request tests: the messages in the outbox, the
code a requester reads in her email, the request form filled in."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from shop.catalogue.models import Category
from shop.core.clock import jakarta_today
from shop.extensions import db
from shop.notify.models import OutboxMessage

CODE_RE = re.compile(r"\b[0-9]{6}\b")


def messages(kind: str, recipient: str | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    if recipient is not None:
        stmt = stmt.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(stmt))


def last_code(recipient: str) -> str:
    sent = messages("bulk_code", recipient)
    assert sent, f"no code to {recipient}"
    return CODE_RE.search(sent[-1].body_text).group(0)


def request_form(**overrides) -> dict:
    return {
        "institution": "Dinas Koperasi Kota Jambi",
        "contact_name": "Rina Wati",
        "phone": "0812-9999-0000",
        "email": "rina@dinas.example",
        "category": Category.CAKES.value,
        "title": "Snack boxes for a meeting",
        "description": "Three cakes a box.",
        "quantity": "300",
        "needed_by": (jakarta_today() + timedelta(days=21)).isoformat(),
        "budget_per_unit": "15.000",
        "province": "15",
        "regency": "15.71",
        "district": "",
        "address": "Jl. Sudirman 1, Jambi",
        **overrides,
    }
