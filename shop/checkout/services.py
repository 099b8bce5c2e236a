"""Placing orders: one transaction for the whole cart.

Rules, and why:
- A cart places its orders once per version: the Checkout row of (cart id,
  cart version) is unique and is claimed first, before any stock is taken.
  Tabs, clicks and replays of that version that come later find it and get
  the same orders; one that arrives while the first is still running waits
  for it on the unique index and then finds it too, never new orders.
- Prices are read again inside the transaction and compared with what the
  buyer was shown: a changed price stops the checkout (PriceChanged) so the
  buyer sees the new total before confirming.
- Tracked stock is taken by conditional UPDATEs in ascending variant id; one
  that finds too little stock stops everything (SoldOut) and the caller rolls
  back, so no order, line or stock change of this cart survives.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from shop.accounts.models import User
from shop.cart.services import check_quantity, variant_name
from shop.cart.session import CartIdentity
from shop.catalogue import stock
from shop.catalogue.models import Product, Variant
from shop.core.cache import mark_public_change
from shop.core.text import clean_line, clean_multiline
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import DeliveryMethod, Group, PaymentMethod
from shop.orders import services as orders
from shop.orders.alerts import notify_buyer, notify_new_order
from shop.orders.models import Checkout, Order, OrderLine, OrderStatus


class PriceChanged(DomainError):
    def __init__(self, names: list[str]):
        super().__init__(
            _l(
                "Prices changed since you opened this page: %(names)s. "
                "Check the new total and confirm again.",
                names=", ".join(names),
            )
        )


class SoldOut(DomainError):
    pass


@dataclass
class Buyer:
    name: str
    phone: str
    email: str | None
    address: str
    province_code: str | None
    regency_code: str | None
    district_code: str | None
    note: str = ""
    locale: str = "id"
    user: User | None = None


@dataclass
class GroupChoice:
    delivery: str
    payment: str


@dataclass
class Placement:
    cart: dict[str, int]
    quoted: dict[str, int]
    choices: dict[int, GroupChoice]
    buyer: Buyer
    identity: CartIdentity
    card_enabled: bool = False
    orders: list[Order] = field(default_factory=list)


def find_checkout(identity: CartIdentity) -> Checkout | None:
    """The orders already placed from this version of this cart, if any."""
    return db.session.scalar(
        select(Checkout).where(
            Checkout.cart_id == identity.id, Checkout.cart_version == identity.version
        )
    )


def _claim(identity: CartIdentity, buyer: Buyer) -> Checkout | None:
    """The new Checkout row of this cart version, written first; None when
    another request has it. A concurrent request holding the same key makes
    the insert wait until that request ends: its commit makes this one fail
    (and its rollback lets this one through)."""
    checkout = Checkout(
        cart_id=identity.id,
        cart_version=identity.version,
        token=secrets.token_urlsafe(32),
        key=secrets.token_urlsafe(32),
        buyer_id=buyer.user.id if buyer.user else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(checkout)
    except IntegrityError:
        return None
    return checkout


def _load_variants(cart: dict[str, int]) -> list[Variant]:
    ids = sorted(int(k) for k in cart)
    variants = list(
        db.session.scalars(
            select(Variant)
            .where(Variant.id.in_(ids))
            .options(joinedload(Variant.product).joinedload(Product.group))
            .order_by(Variant.id)
            .execution_options(populate_existing=True)
        ).unique()
    )
    if len(variants) != len(ids):
        raise DomainError(_l("A product in your cart is no longer available. Check your cart."))
    return variants


def _choice_for(group: Group, choice: GroupChoice | None, card_enabled: bool):
    if choice is None:
        raise DomainError(_l("Choose delivery and payment for %(group)s.", group=group.name))
    try:
        delivery = DeliveryMethod(choice.delivery)
        payment = PaymentMethod(choice.payment)
    except ValueError:
        raise DomainError(
            _l("Choose delivery and payment for %(group)s.", group=group.name)
        ) from None
    if delivery not in group.delivery_methods:
        raise DomainError(_l("%(group)s does not offer this delivery.", group=group.name))
    allowed = [m for m in group.payment_methods if m is not PaymentMethod.CARD or card_enabled]
    if payment not in allowed:
        raise DomainError(_l("%(group)s does not accept this payment.", group=group.name))
    return delivery, payment


def _unique_code(group: Group, payment: PaymentMethod) -> int:
    """1–499 rupiah added to a transfer, different from the group's other open
    transfers, so the group can tell which buyer paid."""
    if payment is not PaymentMethod.TRANSFER:
        return 0
    taken = set(
        db.session.scalars(
            select(Order.unique_code).where(
                Order.group_id == group.id,
                Order.payment_method == PaymentMethod.TRANSFER,
                Order.status.in_(orders.OPEN_STATES),
            )
        )
    )
    free = [code for code in range(1, 500) if code not in taken]
    return secrets.choice(free) if free else secrets.randbelow(499) + 1


def place_orders(p: Placement) -> Checkout:
    """One Checkout and one Order per group, or nothing at all; the Checkout
    already placed from this cart version when there is one."""
    existing = find_checkout(p.identity)
    if existing is not None:
        return existing
    if not p.cart:
        raise DomainError(_l("Your cart is empty."))
    # A broken rule undoes the claim with everything else, even for a caller
    # that goes on in the same transaction.
    with db.session.begin_nested():
        checkout = _claim(p.identity, p.buyer)
        if checkout is not None:
            _place(p, checkout)
    if checkout is None:
        existing = find_checkout(p.identity)
        if existing is None:  # the other request let go of it: start again
            raise DomainError(_l("Something went wrong. Please place your order again."))
        return existing
    _notify(p.orders)
    return checkout


def _place(p: Placement, checkout: Checkout) -> None:
    """Check the whole cart, take the stock, then write one order per group."""
    variants = _load_variants(p.cart)
    _check_prices(p, variants)
    by_group = _check_quantities(p, variants)
    # Every choice is checked before anything is written.
    methods = {
        group_id: _choice_for(vs[0].product.group, p.choices.get(group_id), p.card_enabled)
        for group_id, vs in by_group.items()
    }
    moved = _take_stock(p, variants)
    now = utcnow()
    for group_id, group_variants in by_group.items():
        delivery, payment = methods[group_id]
        order = _new_order(p, checkout, group_variants[0].product.group, delivery, payment)
        _add_lines(order, group_variants, p.cart)
        if payment is not PaymentMethod.CASH and order.shipping_fee is not None:
            order.expires_at = orders.payment_deadline(now)
        orders.add_event(order, "placed")
        db.session.add(order)
        p.orders.append(order)
    db.session.flush()
    stock.refresh_in_stock(moved)
    if moved:
        mark_public_change()


def _check_prices(p: Placement, variants: list[Variant]) -> None:
    """Every price is the one the buyer was shown, or nothing is ordered."""
    changed = [variant_name(v) for v in variants if p.quoted.get(str(v.id)) != v.price]
    if changed:
        raise PriceChanged(changed)


def _check_quantities(p: Placement, variants: list[Variant]) -> dict[int, list[Variant]]:
    """Every quantity may be ordered (else SoldOut); the variants by group id."""
    by_group: dict[int, list[Variant]] = {}
    for variant in variants:
        try:
            check_quantity(variant, p.cart[str(variant.id)])
        except DomainError as problem:
            raise SoldOut(problem.message) from None
        by_group.setdefault(variant.product.group_id, []).append(variant)
    return by_group


def _take_stock(p: Placement, variants: list[Variant]) -> set[int]:
    """Take the counted stock of each variant; the ids of the products it moved."""
    moved: set[int] = set()
    for variant in variants:  # ascending id: no deadlock between two carts
        if variant.stock is None:
            continue
        if not stock.take(variant.id, p.cart[str(variant.id)]):
            raise SoldOut(
                _l(
                    "Sorry, %(name)s has just sold out. "
                    "Nothing was ordered; adjust your cart and try again.",
                    name=variant_name(variant),
                )
            )
        moved.add(variant.product_id)
    return moved


def _new_order(
    p: Placement,
    checkout: Checkout,
    group: Group,
    delivery: DeliveryMethod,
    payment: PaymentMethod,
) -> Order:
    """The group's order with the buyer's details and choices, no lines yet."""
    buyer = p.buyer
    return Order(
        checkout=checkout,
        number=orders.new_order_number(),
        tracking_token=orders.new_tracking_token(),
        group=group,
        buyer_id=checkout.buyer_id,
        buyer_name=clean_line(buyer.name, 80),
        buyer_phone=buyer.phone,
        buyer_email=buyer.email or None,
        address=clean_multiline(buyer.address, 500),
        province_code=buyer.province_code,
        regency_code=buyer.regency_code,
        district_code=buyer.district_code,
        note=clean_multiline(buyer.note, 500),
        locale=buyer.locale,
        delivery_method=delivery,
        payment_method=payment,
        status=OrderStatus.PLACED,
        subtotal=0,
        shipping_fee={
            DeliveryMethod.PICKUP: 0,
            DeliveryMethod.LOCAL: group.local_delivery_fee,
            DeliveryMethod.COURIER: None,
        }[delivery],
        unique_code=_unique_code(group, payment),
    )


def _add_lines(order: Order, variants: list[Variant], cart: dict[str, int]) -> None:
    """One line per variant at its price now; the subtotal follows."""
    for variant in variants:
        quantity = cart[str(variant.id)]
        order.lines.append(
            OrderLine(
                variant_id=variant.id,
                product_id=variant.product_id,
                product_name=variant.product.name,
                variant_label=variant.label,
                unit_price=variant.price,
                quantity=quantity,
                stock_taken=variant.stock is not None,
            )
        )
        order.subtotal += variant.price * quantity


def _notify(placed: list[Order]) -> None:
    for order in placed:
        notify_new_order(order)
        notify_buyer(order, "placed")
