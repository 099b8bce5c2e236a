"""Coordinator pages: monitoring."""

from shop.coordinators.views import bp  # noqa: F401
