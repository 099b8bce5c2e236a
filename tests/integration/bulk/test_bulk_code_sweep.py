"""Contact codes that stopped working are swept a day later; live ones stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from shop.bulk.jobs import sweep_codes
from shop.bulk.models import ContactCode
from shop.db import utcnow
from shop.extensions import db
from tests.factories import ContactCodeFactory


def test_dead_codes_go_after_a_day(app_ctx):
    now = utcnow()
    live = ContactCodeFactory(contact="a@example.test")
    used_today = ContactCodeFactory(contact="b@example.test", used_at=now - timedelta(hours=2))
    ContactCodeFactory(contact="c@example.test", used_at=now - timedelta(days=2))
    ContactCodeFactory(
        contact="d@example.test",
        created_at=now - timedelta(days=3),
        expires_at=now - timedelta(days=2),
    )
    assert sweep_codes() == 2
    left = db.session.scalars(select(ContactCode.id).order_by(ContactCode.id)).all()
    assert left == [live.id, used_today.id]
