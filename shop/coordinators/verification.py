"""Coordinator pages: verification."""

from shop.coordinators.views import bp  # noqa: F401
