"""Background jobs of bulk requests."""

from __future__ import annotations

from sqlalchemy import delete, or_

from shop.accounts.account_codes import KEEP_DEAD
from shop.bulk.models import ContactCode
from shop.db import utcnow
from shop.extensions import db


def sweep_codes() -> int:
    """Periodic task: delete the contact codes that stopped working (used or
    expired) more than a day ago; returns how many. The hourly limit counts
    the codes of the last hour, which are never this old."""
    cutoff = utcnow() - KEEP_DEAD
    result = db.session.execute(
        delete(ContactCode).where(
            or_(ContactCode.used_at < cutoff, ContactCode.expires_at < cutoff)
        )
    )
    db.session.commit()
    return result.rowcount
