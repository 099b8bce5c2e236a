"""Background work of pre-order rounds."""

from __future__ import annotations

from shop.db import utcnow
from shop.extensions import db
from shop.rounds import services


def close_due(batch: int = 50) -> int:
    """Close every round past its deadline, one per transaction; returns how
    many were closed here. Safe to run twice at once (each is claimed by a
    conditional update before its buyers are told)."""
    total = 0
    while True:
        due = services.due_rounds(utcnow(), limit=batch)
        for round_ in due:
            total += services.close_round(round_, utcnow())
            db.session.commit()
        if len(due) < batch:
            return total
