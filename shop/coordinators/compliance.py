"""Coordinator pages: compliance."""

from shop.coordinators.views import bp  # noqa: F401
