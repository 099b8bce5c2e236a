"""The demo's pre-order round: Karya Mandiri's "Kue Lebaran" round of
pineapple tarts taking orders for another week, with a few buyers' orders in
it and featured by the operator. Made through the services a group's and a
buyer's clicks go through, after the six months of orders (which are dated
back and must not fill it)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from shop.accounts.models import User
from shop.cart.session import CartIdentity
from shop.catalogue.models import Product
from shop.checkout.services import Buyer, GroupChoice, Placement, place_orders
from shop.coordinators.models import Coordinator
from shop.core.clock import jakarta_today
from shop.extensions import db
from shop.groups.models import DeliveryMethod, Group, PaymentMethod
from shop.rounds.services import RoundDetails, feature_round, open_round

GROUP, PRODUCT = "Karya Mandiri Lapas Jambi", "Nastar Nanas"
# (buyer, phone, email, {variant label: quantity})
ROUND_BUYERS = (
    ("Rina Marlina", "+6281300000101", "rina@example.id", {"Toples 500 g": 2}),
    ("Kantor Kecamatan Telanaipura", "+6281300000104", None, {"Toples 500 g": 6}),
    ("Agus Salim", "+6281300000106", None, {"Toples 500 g": 1}),
)


def load_round(groups: list[Group]) -> int:
    """The running round and its orders; how many orders."""
    group = next(g for g in groups if g.name == GROUP)
    leader: User = next(m.user for m in group.memberships if m.is_leader)
    product = db.session.scalar(
        select(Product).where(Product.group_id == group.id, Product.name == PRODUCT)
    )
    variants = {v.label: v for v in product.variants}
    today = jakarta_today()
    made = open_round(
        group,
        RoundDetails(
            title="Kue Lebaran",
            description=(
                "Nastar nanas dipanggang warga binaan untuk Lebaran. Pesan sekarang, "
                "kami panggang sekaligus dan antar atau serahkan pada hari siap."
            ),
            last_order_day=today + timedelta(days=7),
            ready_on=today + timedelta(days=12),
            handover=(
                "Ambil di koperasi Lapas Jambi, Jl. Sumantri Brojonegoro, "
                "atau diantar di Kota Jambi"
            ),
        ),
        {variants["Toples 250 g"].id: 40, variants["Toples 500 g"].id: 25},
        today=today,
        by=leader,
    )
    for n, (name, phone, email, wanted) in enumerate(ROUND_BUYERS):
        cart = {str(variants[label].id): quantity for label, quantity in wanted.items()}
        place_orders(
            Placement(
                cart=cart,
                quoted={
                    key: variants[label].price for key, label in zip(cart, wanted, strict=True)
                },
                choices={
                    group.id: GroupChoice(DeliveryMethod.PICKUP.value, PaymentMethod.TRANSFER.value)
                },
                identity=CartIdentity(f"demo-round-{n}", 0),
                buyer=Buyer(name, phone, email, "Kota Jambi", "15", "15.71", None),
            )
        )
    operator = db.session.scalar(select(Coordinator).where(Coordinator.is_operator))
    feature_round(made, operator.user)
    return len(ROUND_BUYERS)
