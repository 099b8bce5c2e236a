"""Background jobs of the outbox."""

from __future__ import annotations

from shop.notify.delivery import drain


def deliver() -> None:
    """Send every message that is due (claims are atomic: several workers
    running this at once never send a message twice)."""
    drain()
