"""The data test_many_machines starts from, written with the factories into
the site's own database. Run with the site's environment (as the app
machines are):

    python -m tests.integration.operations.seed_site

and read the JSON it prints: the logins, slugs and ids the journeys need.
"""

from __future__ import annotations

import json

from shop.catalogue.models import ProductStatus
from shop.catalogue.services import refresh_derived, set_status
from shop.extensions import db
from shop.groups.models import Role
from tests.factories import BankAccountFactory

LEADER_PHONE = "+6285722220001"
COORDINATOR_PHONE = "+6285722220002"


def seed() -> dict:
    from tests.factories import (
        PASSWORD,
        CoordinatorFactory,
        GroupFactory,
        MembershipFactory,
        ProductFactory,
        UserFactory,
        VariantFactory,
    )

    group = GroupFactory(name="Kelompok Abon Dua Mesin", accepts_cash=False)
    BankAccountFactory(group=group, account_number="1234-01-000777-50-1", account_holder="Siti")
    MembershipFactory(group=group, user=UserFactory(phone=LEADER_PHONE), role=Role.LEADER)
    CoordinatorFactory(user=UserFactory(phone=COORDINATOR_PHONE), is_operator=True)
    # Photographed and published through the site by the test.
    photographed = ProductFactory(group=group, name="Abon Lele Foto", status=ProductStatus.DRAFT)
    variant = VariantFactory(product=photographed, price=25000, stock=50)
    # Already on sale, for the checkouts while Redis is away.
    on_sale = ProductFactory(group=group, name="Kerupuk Lele", status=ProductStatus.DRAFT)
    on_sale_variant = VariantFactory(product=on_sale, price=15000, stock=50)
    set_status(on_sale, ProductStatus.PUBLISHED)
    refresh_derived(photographed)
    refresh_derived(on_sale)
    db.session.commit()
    return {
        "group": group.slug,
        "group_id": group.id,
        "product_id": photographed.id,
        "product": photographed.slug,
        "variant": variant.id,
        "on_sale": on_sale.slug,
        "on_sale_variant": on_sale_variant.id,
        "leader": LEADER_PHONE,
        "coordinator": COORDINATOR_PHONE,
        "password": PASSWORD,
    }


if __name__ == "__main__":
    from app import app

    with app.app_context():
        print(json.dumps(seed()))
