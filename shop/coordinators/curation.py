"""Coordinator pages: curation."""

from shop.coordinators.views import bp  # noqa: F401
