"""What the consignment ledger's tests start from."""

from __future__ import annotations

import pytest

from shop.catalogue.services import refresh_derived
from shop.extensions import db
from tests.factories import GroupFactory, OutletFactory, ProductFactory, VariantFactory


@pytest.fixture
def shop(app_ctx):
    """A group with Abon Lele 100 g (10 in stock, 30 days of shelf life) and
    Kerupuk Lele 250 g (made to order), and the outlet Warung Bu Sari:
    (group, outlet, abon variant, kerupuk variant)."""
    group = GroupFactory()
    abon = ProductFactory(group=group, name="Abon Lele", shelf_life_days=30)
    abon_100 = VariantFactory(product=abon, label="100 g", price=25000, stock=10)
    kerupuk = ProductFactory(group=group, name="Kerupuk Lele")
    kerupuk_made = VariantFactory(product=kerupuk, label="250 g", price=15000, stock=None)
    refresh_derived(abon)
    refresh_derived(kerupuk)
    outlet = OutletFactory(group=group, name="Warung Bu Sari", visit_every_days=7)
    db.session.flush()
    return group, outlet, abon_100, kerupuk_made
