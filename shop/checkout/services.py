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
- Tracked stock is taken by one conditional UPDATE that locks the rows in
  ascending variant id, last, so other buyers of those products wait for
  them only until the commit; a variant it finds with too little stock stops
  everything (SoldOut) and the caller rolls back, so no order, line, message
  or stock change of this cart survives.
- A product in an open pre-order round (shop.rounds) is ordered within it:
  the round must still take orders, and its capacity is taken like stock,
  by one conditional UPDATE locking the items in ascending id, after the
  stock (the order cancellation gives them back in); a round with too
  little room stops everything (SoldOut). A cart with no such product
  reads and writes nothing more.
- A whole cart is a fixed number of statements, whatever its size: one read
  of the variants with their products and groups, one stock UPDATE, one read
  for the order numbers and transfer codes, one INSERT each for the orders,
  their lines and their events, one read of the groups' members (then the
  outbox rows, one per message).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

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
from shop.groups.ordering import payable_methods
from shop.orders import services as orders
from shop.orders.alerts import notify_placed
from shop.orders.models import Checkout, Order, OrderEvent, OrderLine, OrderStatus
from shop.rounds import capacity
from shop.rounds.models import RoundItem
from shop.rounds.queries import items_by_variant


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


class CartProblem(SoldOut):
    """A line the cart page marks (not for sale, under the minimum, more than
    the stock): the buyer goes back to the cart to see it."""


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
    # The pre-order round items of the cart's variants (variant id -> item).
    round_items: dict[int, RoundItem] = field(default_factory=dict)


def find_checkout(identity: CartIdentity) -> Checkout | None:
    """The orders already placed from this version of this cart, if any."""
    return db.session.scalar(
        select(Checkout).where(
            Checkout.cart_id == identity.id, Checkout.cart_version == identity.version
        )
    )


def _claim(identity: CartIdentity, buyer: Buyer) -> Checkout:
    """The new Checkout row of this cart version, written first. The unique
    index refuses it (IntegrityError) when another request has it; one still
    running makes the insert wait until it ends: its commit makes this one
    fail (and its rollback lets this one through)."""
    checkout = Checkout(
        cart_id=identity.id,
        cart_version=identity.version,
        token=secrets.token_urlsafe(32),
        key=secrets.token_urlsafe(32),
        buyer_id=buyer.user.id if buyer.user else None,
    )
    db.session.add(checkout)
    db.session.flush()
    return checkout


def _load_variants(cart: dict[str, int]) -> list[Variant]:
    """The cart's variants with their products, groups and the groups' bank
    accounts (the buyer's email tells how to pay), read now."""
    ids = sorted(int(k) for k in cart)
    group = joinedload(Variant.product).joinedload(Product.group)
    variants = list(
        db.session.scalars(
            select(Variant)
            .where(Variant.id.in_(ids))
            .options(group.joinedload(Group.bank_accounts))
            .order_by(Variant.id)
            .execution_options(populate_existing=True)
        ).unique()
    )
    if len(variants) != len(ids):
        raise DomainError(_l("A product in your cart is no longer available. Check your cart."))
    return variants


def _choice_for(group: Group, choice: GroupChoice | None, card_enabled: bool):
    # The accounts were loaded with the cart's variants (_load_variants).
    allowed = payable_methods(
        group, card_enabled=card_enabled, has_bank_account=bool(group.bank_accounts)
    )
    if not allowed:
        raise DomainError(
            _l(
                "%(group)s cannot take payment yet. "
                "Remove its products from your cart to order the rest.",
                group=group.name,
            )
        )
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
    if payment not in allowed:
        raise DomainError(_l("%(group)s does not accept this payment.", group=group.name))
    return delivery, payment


def _unique_code(payment: PaymentMethod, taken: set[int]) -> int:
    """1–499 rupiah added to a transfer or a QRIS payment, different from the
    group's other open ones (`taken`), so the group can tell which buyer paid."""
    if not payment.sent_by_buyer:
        return 0
    free = [code for code in range(1, 500) if code not in taken]
    return secrets.choice(free) if free else secrets.randbelow(499) + 1


def place_orders(p: Placement) -> Checkout:
    """One Checkout and one Order per group, or nothing at all; the Checkout
    already placed from this cart version when there is one."""
    if not p.cart:
        existing = find_checkout(p.identity)
        if existing is not None:
            return existing
        raise DomainError(_l("Your cart is empty."))
    claimed = False
    try:
        # A broken rule undoes the claim with everything else, even for a
        # caller that goes on in the same transaction.
        with db.session.begin_nested():
            checkout = _claim(p.identity, p.buyer)
            claimed = True
            _place(p, checkout)
    except IntegrityError:
        if claimed:
            raise
        # Placed already (a replay, another tab), or by a request that let
        # go of it meanwhile: then start again.
        existing = find_checkout(p.identity)
        if existing is None:
            raise DomainError(_l("Something went wrong. Please place your order again.")) from None
        return existing
    return checkout


def _place(p: Placement, checkout: Checkout) -> None:
    """Check the whole cart, write one order per group and its messages, then
    take the stock."""
    variants = _load_variants(p.cart)
    _check_prices(p, variants)
    by_group = _check_quantities(p, variants)
    p.round_items = _round_items(variants)
    # Every choice is checked before anything is written.
    methods = {
        group_id: _choice_for(vs[0].product.group, p.choices.get(group_id), p.card_enabled)
        for group_id, vs in by_group.items()
    }
    counted = any(v.stock is not None for v in variants)
    p.orders.extend(_write_orders(p, checkout, by_group, methods))
    notify_placed(p.orders)
    # Last: the rows the stock UPDATE locks stay locked only until the commit.
    emptied = _take_stock(p, variants)
    stock.refresh_in_stock(emptied)  # expires the loaded stock: read it before
    _take_capacity(p, variants)
    if counted or p.round_items:
        mark_public_change()


def _round_items(variants: list[Variant]) -> dict[int, RoundItem]:
    """The round item of every variant whose product is in an open round
    (variant id -> item); each must be offered and the round still taking
    orders, else nothing is ordered."""
    rounds = {v.product.preorder_round_id for v in variants} - {None}
    items = items_by_variant([v.id for v in variants], rounds)  # type: ignore[arg-type]
    now = utcnow()
    for variant in variants:
        if variant.product.preorder_round_id is None:
            continue
        item = items.get(variant.id)
        if item is None:
            raise CartProblem(
                _l(
                    "%(name)s is not offered in the pre-order round. Remove it from your cart.",
                    name=variant_name(variant),
                )
            )
        if not item.round.is_taking_orders(now):
            raise SoldOut(
                _l(
                    "Orders for %(round)s are closed. Nothing was ordered; "
                    "remove %(name)s from your cart.",
                    round=item.round.title,
                    name=variant_name(variant),
                )
            )
    return items


def _take_capacity(p: Placement, variants: list[Variant]) -> None:
    """Take the rounds' capacity of every variant in one at once."""
    wanted = {p.round_items[v.id].id: p.cart[str(v.id)] for v in variants if v.id in p.round_items}
    taken = capacity.take_all(wanted, utcnow())
    for variant in variants:  # ascending id: the first one short is named
        item = p.round_items.get(variant.id)
        if item is not None and item.id not in taken:
            raise SoldOut(
                _l(
                    "Sorry, the pre-order round %(round)s has only %(left)d of %(name)s "
                    "left. Nothing was ordered; adjust your cart and try again.",
                    round=item.round.title,
                    left=max(item.left, 0),
                    name=variant_name(variant),
                )
            )


def _check_prices(p: Placement, variants: list[Variant]) -> None:
    """Every price is the one the buyer was shown, or nothing is ordered."""
    changed = [variant_name(v) for v in variants if p.quoted.get(str(v.id)) != v.price]
    if changed:
        raise PriceChanged(changed)


def _check_quantities(p: Placement, variants: list[Variant]) -> dict[int, list[Variant]]:
    """Every quantity may be ordered (else CartProblem); the variants by group id."""
    by_group: dict[int, list[Variant]] = {}
    for variant in variants:
        try:
            check_quantity(variant, p.cart[str(variant.id)])
        except DomainError as problem:
            raise CartProblem(problem.message) from None
        by_group.setdefault(variant.product.group_id, []).append(variant)
    return by_group


def _take_stock(p: Placement, variants: list[Variant]) -> set[int]:
    """Take the counted stock of every variant at once; the ids of the
    products whose "ready stock" flag may have changed (a variant left with
    less than its minimum order)."""
    tracked = {v.id: p.cart[str(v.id)] for v in variants if v.stock is not None}
    left = stock.take_all(tracked)
    for variant in variants:  # ascending id: the first one short is named
        if variant.id in tracked and variant.id not in left:
            raise SoldOut(
                _l(
                    "Sorry, %(name)s has just sold out. "
                    "Nothing was ordered; adjust your cart and try again.",
                    name=variant_name(variant),
                )
            )
    emptied = set()
    for variant in variants:
        if variant.id in left:
            if left[variant.id] < variant.min_order_qty <= variant.stock:
                emptied.add(variant.product_id)
            set_committed_value(variant, "stock", left[variant.id])
    return emptied


def _write_orders(
    p: Placement,
    checkout: Checkout,
    by_group: dict[int, list[Variant]],
    methods: dict[int, tuple[DeliveryMethod, PaymentMethod]],
) -> list[Order]:
    """One order per group with its lines and its "placed" event."""
    return write_orders(
        checkout,
        [
            NewOrder(
                group=group_variants[0].product.group,
                row=_order_row(p, group_variants, *methods[group_id]),
                lines=[
                    _line_row(v, p.cart[str(v.id)], p.round_items.get(v.id)) for v in group_variants
                ],
            )
            for group_id, group_variants in by_group.items()
        ],
    )


@dataclass
class NewOrder:
    """An order to write: its group, its columns but those `write_orders`
    gives (number, tracking token, checkout, group, buyer account, status,
    unique code) and its lines' columns but `order_id`."""

    group: Group
    row: dict
    lines: list[dict]


def write_orders(checkout: Checkout, new: list[NewOrder]) -> list[Order]:
    """Write the orders of one checkout, placed, with their lines and their
    "placed" events: three INSERTs however many, after one read for the
    numbers and the unique codes of transfers and QRIS payments. Used by the cart's checkout and
    by accepted bulk offers (shop.bulk), so both make the same orders."""
    transfers = [n.group.id for n in new if n.row["payment_method"].sent_by_buyer]
    numbers, taken_codes = orders.new_order_numbers(len(new), transfers)
    rows = []
    for number, n in zip(numbers, new, strict=True):
        taken = taken_codes.setdefault(n.group.id, set())
        code = _unique_code(n.row["payment_method"], taken)
        taken.add(code)
        rows.append(
            {
                **n.row,
                "checkout_id": checkout.id,
                "number": number,
                "tracking_token": orders.new_tracking_token(),
                "group_id": n.group.id,
                "buyer_id": checkout.buyer_id,
                "status": OrderStatus.PLACED,
                "unique_code": code,
            }
        )
    # One INSERT for all (the same columns in every row, NULLs written out);
    # RETURNING in any order: matched back by number.
    written = {
        order.number: order
        for order in db.session.scalars(
            insert(Order).returning(Order).execution_options(render_nulls=True), rows
        )
    }
    placed = [written[row["number"]] for row in rows]
    line_rows = [
        {**line, "order_id": order.id}
        for order, n in zip(placed, new, strict=True)
        for line in n.lines
    ]
    lines: dict[int, list[OrderLine]] = {order.id: [] for order in placed}
    for line in sorted(
        db.session.scalars(
            insert(OrderLine).returning(OrderLine).execution_options(render_nulls=True), line_rows
        ),
        key=_by_id,
    ):
        lines[line.order_id].append(line)
    db.session.execute(
        insert(OrderEvent), [{"order_id": order.id, "kind": "placed"} for order in placed]
    )
    # The new rows as if loaded with their relations: the messages below read
    # them without another statement.
    for order, n in zip(placed, new, strict=True):
        set_committed_value(order, "lines", lines[order.id])
        set_committed_value(order, "group", n.group)
        set_committed_value(order, "checkout", checkout)
    set_committed_value(checkout, "orders", sorted(placed, key=_by_id))
    return placed


def _by_id(row: Order | OrderLine) -> int:
    return row.id


def _order_row(
    p: Placement,
    variants: list[Variant],
    delivery: DeliveryMethod,
    payment: PaymentMethod,
) -> dict:
    """The group's order with the buyer's details and choices, its subtotal
    from the lines' prices now."""
    buyer = p.buyer
    group = variants[0].product.group
    shipping_fee = {
        DeliveryMethod.PICKUP: 0,
        DeliveryMethod.LOCAL: group.local_delivery_fee,
        DeliveryMethod.COURIER: None,
    }[delivery]
    return {
        **buyer_columns(buyer),
        "delivery_method": delivery,
        "payment_method": payment,
        "subtotal": sum(v.price * p.cart[str(v.id)] for v in variants),
        "shipping_fee": shipping_fee,
        "expires_at": order_expiry(payment, shipping_fee),
    }


def buyer_columns(buyer: Buyer) -> dict:
    """The order's columns that say who ordered and where it goes."""
    return {
        "buyer_name": clean_line(buyer.name, 80),
        "buyer_phone": buyer.phone,
        "buyer_email": buyer.email or None,
        "address": clean_multiline(buyer.address, 500),
        "province_code": buyer.province_code,
        "regency_code": buyer.regency_code,
        "district_code": buyer.district_code,
        "note": clean_multiline(buyer.note, 500),
        "locale": buyer.locale,
    }


def order_expiry(payment: PaymentMethod, shipping_fee: int | None):
    """When an unpaid order expires: one paid later whose total is known
    gets the payment deadline; cash and an unconfirmed courier fee none."""
    pays_later = payment is not PaymentMethod.CASH and shipping_fee is not None
    return orders.payment_deadline(utcnow()) if pays_later else None


def _line_row(variant: Variant, quantity: int, item: RoundItem | None) -> dict:
    """A line at the variant's price now: a snapshot later edits never change."""
    return {
        "variant_id": variant.id,
        "product_id": variant.product_id,
        "product_name": variant.product.name,
        "variant_label": variant.label,
        "unit_price": variant.price,
        "quantity": quantity,
        "stock_taken": variant.stock is not None,
        "round_item_id": item.id if item is not None else None,
    }
