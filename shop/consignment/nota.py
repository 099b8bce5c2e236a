"""The printable consignment note (nota titip) and its PDF."""

from __future__ import annotations

from shop.consignment.views import bp  # noqa: F401
