"""What the consignment ledger's tests share: their day, a variant's stock
read again, and a service called as a view calls it."""

from __future__ import annotations

from datetime import date

from shop.catalogue.models import Variant
from shop.errors import DomainError
from shop.extensions import db

TODAY = date(2026, 11, 23)


def stock_of(variant) -> int | None:
    db.session.expire_all()
    return db.session.get(Variant, variant.id).stock


def attempt(action):
    """What a view does: the service in a savepoint, rolled back on refusal."""
    savepoint = db.session.begin_nested()
    try:
        result = action()
    except DomainError:
        savepoint.rollback()
        raise
    savepoint.commit()
    return result
