"""The coordinators' side of the demo: accounts, checks, curation and six months of orders.

Like the rest of the demo it goes through the services a coordinator's or a
group's clicks go through, then moves the orders' timestamps back in time so
the monitoring page and the group's sales view have months to show.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from shop.accounts.models import User
from shop.cart.session import CartIdentity
from shop.catalogue.models import CertificateKind, Product, ProductStatus
from shop.checkout.services import Buyer, GroupChoice, Placement, SoldOut, place_orders
from shop.coordinators.compliance import services as compliance_services
from shop.coordinators.services import add_coordinator
from shop.coordinators.verification import services as verification_services
from shop.core.clock import jakarta_today
from shop.curation import exhibition_services
from shop.curation import services as curation_services
from shop.db import utcnow
from shop.demo import pictures
from shop.demo.data import DEMO_PASSWORD
from shop.demo.data.coordinators import (
    CERTIFICATES,
    CHANGES_REQUESTED,
    COORDINATORS,
    EXHIBITIONS,
    FEATURED,
    HIDDEN,
    MONEV_VISIT_BY,
    VERIFIED_GROUPS,
)
from shop.demo.data.people import person
from shop.demo.monev import load_monev_visit
from shop.extensions import db
from shop.groups.models import DeliveryMethod, Group, PaymentMethod, Programme
from shop.orders import services as orders
from shop.orders.models import Order

ORDER_MONTHS = 6
BUYERS = (
    ("Rina Marlina", "+6281300000101", "15", "15.71"),
    ("Bambang Hermawan", "+6281300000102", "35", "35.71"),
    ("Siti Nurhaliza", "+6281300000103", "52", "52.71"),
    ("Kantor Kecamatan Telanaipura", "+6281300000104", "15", "15.71"),
    ("Yohana Simanjuntak", "+6281300000105", "73", "73.71"),
    ("Agus Salim", "+6281300000106", "63", "63.71"),
    ("Dian Puspitasari", "+6281300000107", "35", "35.71"),
    ("Muhammad Rizki", "+6281300000108", "15", "15.05"),
)


def load_coordination(users: dict[str, User], groups: list[Group]) -> dict[str, int]:
    """Everything coordinators did in the demo; counts of what was made."""
    by_name = {group.name: group for group in groups}
    products = _products_by_name(groups)
    coordinators = {
        demo.person: add_coordinator(
            person(demo.person).phone,
            name=person(demo.person).name,
            password=DEMO_PASSWORD,
            programmes=[Programme(p) for p in demo.programmes],
            region_codes=list(demo.regions),
            organisation=demo.organisation,
            is_operator=demo.operator,
        )[0]
        for demo in COORDINATORS
    }
    operator = next(c.user for c in coordinators.values() if c.is_operator)
    today = jakarta_today()

    for name in VERIFIED_GROUPS:
        verification_services.verify_group(by_name[name], by=operator)
    for name, note in CHANGES_REQUESTED.items():
        verification_services.request_changes(by_name[name], note, by=operator)
    for group_name, product_name, kind, days in CERTIFICATES:
        compliance_services.check_certificate(
            products[(group_name, product_name)],
            CertificateKind(kind),
            today + timedelta(days=days) if days is not None else None,
            by=operator,
        )
    for name in FEATURED:
        curation_services.feature_group(by_name[name], today, None, today=today, by=operator)
    group_name, product_name, reason = HIDDEN
    compliance_services.hide_product(products[(group_name, product_name)], reason, by=operator)

    for demo in EXHIBITIONS:
        details = exhibition_services.ExhibitionDetails(
            title=demo.title,
            description=demo.description,
            starts_on=today + timedelta(days=demo.starts_in_days),
            ends_on=today + timedelta(days=demo.ends_in_days),
            banner_alt=f"Spanduk {demo.title}",
        )
        banner = pictures.group_cover(demo.title, "Pameran virtual · Etalase")
        exhibition = exhibition_services.create_exhibition(details, banner, by=operator)
        for name in demo.groups:
            exhibition_services.add_exhibition_group(exhibition, by_name[name], by=operator)
        for key in demo.products:
            exhibition_services.add_exhibition_product(exhibition, products[key], by=operator)
        if demo.published:
            exhibition_services.publish_exhibition(exhibition, by=operator)

    load_monev_visit(groups, coordinators[MONEV_VISIT_BY].user)

    placed = _orders(groups, users)
    return {"coordinators": len(coordinators), "orders": placed}


def _products_by_name(groups: list[Group]) -> dict[tuple[str, str], Product]:
    rows = db.session.scalars(
        select(Product).where(Product.group_id.in_([group.id for group in groups]))
    )
    return {(product.group.name, product.name): product for product in rows}


def _orders(groups: list[Group], users: dict[str, User]) -> int:
    """About ten orders a month for six months, placed through checkout and
    carried through the group's steps, then dated back to their month."""
    rng = random.Random(2026)
    now = utcnow()
    sellable = [(group, [v for p in _published(group) for v in p.variants]) for group in groups]
    sellable = [(group, variants) for group, variants in sellable if variants]
    leaders = {group.id: next(m.user for m in group.memberships if m.is_leader) for group in groups}
    count = 0
    for months_back in range(ORDER_MONTHS - 1, -1, -1):
        for _ in range(rng.randint(7, 12)):
            group, variants = rng.choice(sellable)
            placed_at = now - timedelta(days=months_back * 30 + rng.uniform(0, 29.5))
            order = _place(
                group, rng.sample(variants, min(len(variants), rng.randint(1, 2))), rng, count
            )
            if order is None:
                continue
            _progress(order, leaders[group.id], rng, recent=months_back == 0)
            _date_back(order, placed_at, rng, now)
            count += 1
    db.session.flush()
    return count


def _published(group: Group) -> list[Product]:
    return [
        product
        for product in db.session.scalars(select(Product).where(Product.group_id == group.id))
        if product.status is ProductStatus.PUBLISHED and product.hidden_at is None
    ]


def _place(group: Group, variants, rng: random.Random, n: int) -> Order | None:
    name, phone, province, regency = rng.choice(BUYERS)
    cart = {str(v.id): max(v.min_order_qty, rng.randint(1, 3)) for v in variants}
    delivery = (
        DeliveryMethod.LOCAL if group.offers_local_delivery else DeliveryMethod.PICKUP
    ).value
    payment = (PaymentMethod.TRANSFER if group.accepts_transfer else PaymentMethod.CASH).value
    try:
        checkout = place_orders(
            Placement(
                cart=cart,
                quoted={str(v.id): v.price for v in variants},
                choices={group.id: GroupChoice(delivery, payment)},
                identity=CartIdentity(f"demo-order-{n}", 0),
                buyer=Buyer(name, phone, None, "Alamat demo", province, regency, None),
            )
        )
    except SoldOut:
        return None
    return checkout.orders[0]


def _progress(order: Order, leader: User, rng: random.Random, *, recent: bool) -> None:
    """Older orders are mostly completed, some cancelled; this month's are at
    every step, some still waiting for the group."""
    roll = rng.random()
    if recent and roll < 0.3:
        return
    if roll > 0.9:
        orders.cancel_order(order, "Pembeli membatalkan lewat WhatsApp.", leader)
        return
    orders.confirm_order(order, None, leader)
    if recent and roll < 0.5:
        return
    cash = order.payment_method is PaymentMethod.CASH
    if not cash:
        orders.mark_paid(order, leader)
    orders.mark_packed(order, leader)
    if order.delivery_method is DeliveryMethod.PICKUP:
        orders.mark_ready(order, leader)
    else:
        orders.mark_shipped(order, "", "", leader)
    if cash:
        orders.mark_paid(order, leader)
    if recent and roll < 0.65:
        return
    orders.complete_order(order, leader)


def _date_back(order: Order, placed_at: datetime, rng: random.Random, now: datetime) -> None:
    """Move the order and its steps to `placed_at`, each step a few hours apart.
    A payment deadline stays where it is: a demo order never expires at once."""
    placed_at = placed_at.astimezone(UTC)
    shift = placed_at - order.created_at
    order.created_at = placed_at
    step = timedelta(hours=rng.uniform(1, 20))
    for index, event in enumerate(order.events):
        event.at = min(placed_at + step * index, now)
    for name in ("confirmed_at", "paid_at", "closed_at"):
        value = getattr(order, name)
        if value is not None:
            setattr(order, name, min(value + shift + step, now))
    if order.confirmed_at is not None:
        order.confirmed_at = min(placed_at + step, now)
