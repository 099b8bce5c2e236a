"""Exports: files someone asked for, waiting for the job that makes them."""

from __future__ import annotations

import factory

from shop.exports.models import Export
from tests.factories.accounts import UserFactory
from tests.factories.base import Base


class ExportFactory(Base):
    """A monitoring spreadsheet a new user asked for, not made yet."""

    class Meta:
        model = Export

    kind = "monev-xlsx"
    params = '{"filters": {"per": "month"}}'
    requested_by = factory.SubFactory(UserFactory)
    filename = "monev-month.xlsx"
    content_type = "application/octet-stream"
