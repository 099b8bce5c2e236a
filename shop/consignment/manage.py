"""The group's consignment pages: outlets, drop-offs, visits and the ledger."""

from __future__ import annotations

from shop.consignment.views import bp  # noqa: F401
