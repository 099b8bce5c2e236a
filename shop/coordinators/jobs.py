"""Background jobs of the coordinators' domain."""

from __future__ import annotations

from shop.coordinators.compliance.services import notify_expiring_certificates
from shop.extensions import db


def certificates_due() -> int:
    """Tell groups once about certificates expiring within 30 days."""
    reported = notify_expiring_certificates()
    db.session.commit()
    return reported
