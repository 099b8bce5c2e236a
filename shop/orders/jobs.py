"""Background jobs of the order domain."""

from __future__ import annotations

from shop.db import utcnow
from shop.extensions import db
from shop.orders import services


def expire_due(batch: int = 200) -> int:
    """Expire unpaid orders past their payment deadline, one batch per
    transaction; returns how many. Safe to run twice at once: each order is
    claimed with a conditional update before its stock comes back."""
    total = 0
    while True:
        due = services.due_for_expiry(utcnow(), limit=batch)
        total += sum(1 for order in due if services.expire_order(order))
        db.session.commit()
        if len(due) < batch:
            return total
