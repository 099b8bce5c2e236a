"""Demo bulk request: two Jambi groups declare what they bake a week, the
provincial cooperative office asks for 300 snack boxes, and both offer."""

from __future__ import annotations

from datetime import timedelta

from shop.accounts.models import User
from shop.bulk import services
from shop.catalogue.models import Category
from shop.core.clock import jakarta_today
from shop.groups.models import DeliveryMethod, Group

OFFERS = {
    # slug: (weekly cakes, price per unit, quantity, delivery fee)
    "uppka-sekar-melati": (150, 14500, 200, 50000),
    "karya-mandiri-lapas-jambi": (120, 15000, 150, 0),
}


def load_bulk(groups: list[Group], leaders: dict[int, User]) -> int:
    """The open request with its two offers; returns how many offers."""
    by_slug = {group.slug: group for group in groups}
    offering = [(by_slug[slug], made) for slug, made in OFFERS.items() if slug in by_slug]
    for group, (weekly, *_rest) in offering:
        services.set_capacity(group, Category.CAKES, weekly, leaders[group.id])
    today = jakarta_today()
    request = services.post_request(
        services.RequestDraft(
            institution="Dinas Koperasi dan UKM Provinsi Jambi",
            contact_name="Rina Marlina",
            phone="+6281200000099",
            email="rina.marlina@example.org",
            category=Category.CAKES,
            title="Kotak snack rapat koordinasi",
            description="Isi 3 kue basah (lemper, lapis, bolu) dan air mineral gelas, "
            "kotak karton putih.",
            quantity=300,
            needed_by=today + timedelta(days=21),
            budget_per_unit=15000,
            province_code="15",
            regency_code="15.71",
            district_code=None,
            address="Jl. R.M. Nur Atmadibrata No. 1, Telanaipura, Kota Jambi",
        )
    )
    services.open_request(request, "email", request.contact_email or "")
    for group, (_weekly, price, quantity, fee) in offering:
        methods = group.delivery_methods
        delivery = DeliveryMethod.LOCAL if DeliveryMethod.LOCAL in methods else methods[0]
        services.make_offer(
            request,
            group,
            services.OfferDraft(
                unit_price=price,
                quantity=quantity,
                ready_by=today + timedelta(days=18),
                delivery_method=delivery,
                delivery_fee=fee if delivery is DeliveryMethod.LOCAL else 0,
            ),
            leaders[group.id],
        )
    return len(offering)
