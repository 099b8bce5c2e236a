"""Background jobs of the coordinators' domain."""

from __future__ import annotations

from shop.extensions import db


def certificates_due() -> int:
    """Tell groups once about certificates expiring within 30 days."""
    from shop.coordinators.compliance_services import notify_expiring_certificates

    reported = notify_expiring_certificates()
    db.session.commit()
    return reported
