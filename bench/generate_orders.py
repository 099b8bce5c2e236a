"""Add orders and two coordinators to the benchmark database (after generate.py).

    python bench/generate_orders.py --orders 100000 --months 18

Orders are spread over every group and over the last `--months` months, with
1–3 lines of the group's own products, and the mix of statuses a live site
has (placed, confirmed, packed, shipped, ready, completed, cancelled,
expired; paid or not; confirmation after minutes to two days). Rows go in by
bulk INSERTs with ids given up front, so lines need no round trip.

Two coordinators log in with `bench-password`: an operator (+6281900000001)
who sees everything, and one limited to UPPKA in the province with the most
groups (+6281900000002). Uses DATABASE_URL like generate.py.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from array import array
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))  # generate.py's bulk loading helpers

OPERATOR_PHONE = "+6281900000001"
SCOPED_PHONE = "+6281900000002"
PASSWORD = "bench-password"

# (status, weight, confirmed?, paid share)
STATUSES = (
    ("placed", 8, False, 0.0),
    ("confirmed", 8, True, 0.3),
    ("packed", 4, True, 0.6),
    ("shipped", 5, True, 0.8),
    ("ready", 3, True, 0.5),
    ("completed", 55, True, 0.97),
    ("cancelled", 12, False, 0.0),
    ("expired", 5, False, 0.0),
)
BATCH = 5000


def add_coordinators(now) -> None:
    from sqlalchemy import func, select
    from werkzeug.security import generate_password_hash

    from shop.accounts.models import User
    from shop.coordinators.models import Coordinator, CoordinatorProgramme, CoordinatorRegion
    from shop.extensions import db
    from shop.groups.models import Group, Programme

    if db.session.scalar(select(User).where(User.phone == OPERATOR_PHONE)):
        return
    province = db.session.execute(
        select(Group.province_code)
        .where(Group.programme == Programme.UPPKA)
        .group_by(Group.province_code)
        .order_by(func.count().desc())
        .limit(1)
    ).scalar()
    password = generate_password_hash(PASSWORD)
    for phone, name, scoped in (
        (OPERATOR_PHONE, "Operator Bench", False),
        (SCOPED_PHONE, "Koordinator UPPKA Bench", True),
    ):
        user = User(name=name, phone=phone, password_hash=password, created_at=now)
        coordinator = Coordinator(user=user, is_operator=not scoped, organisation="Bench")
        if scoped:
            coordinator.programmes.append(CoordinatorProgramme(programme=Programme.UPPKA))
            coordinator.regions.append(CoordinatorRegion(province_code=province))
        db.session.add(coordinator)
    db.session.commit()


def generate(n_orders: int, months: int, seed: int = 11) -> None:
    """The coordinators (once), then `n_orders` orders, unless the database
    has them already; refuses a database with another number of orders."""
    from generate import Phases, analyze, bulk_connection
    from sqlalchemy import func, select

    from shop import create_app
    from shop.backup.database import continue_sequences
    from shop.db import utcnow
    from shop.extensions import db
    from shop.monitoring import active, rollups
    from shop.monitoring.models import group_products
    from shop.orders.models import Order

    rnd = random.Random(seed)
    app = create_app()
    with app.app_context():
        now = utcnow()
        add_coordinators(now)
        # Generated orders are numbered BN…; checkout.py's are the app's own.
        generated = db.session.scalar(select(func.count()).where(Order.number.like("BN%")))
        existing = db.session.scalar(select(func.count()).select_from(Order))
        db.session.commit()
        if generated == n_orders:
            if not db.session.scalar(select(func.count()).select_from(group_products)):
                active.rebuild()  # a database generated before the table existed
            print(f"database already has {generated} generated orders; nothing to do")
            return
        if existing:
            raise SystemExit(
                f"database has {generated} generated orders, not {n_orders} (another "
                f"scale, or an interrupted run): generate into a fresh database"
            )
        print(f"generating {n_orders} orders over {months} months", flush=True)
        phases = Phases()
        with bulk_connection() as conn:
            catalogue = read_catalogue(conn)
            phases.done("catalogue read")
            made_lines = insert_orders(conn, rnd, n_orders, months, now, catalogue)
            phases.done(f"{n_orders} orders, their checkouts and {made_lines} lines")
        # Bulk rows are not seen by the rollups' marks: count the ended months.
        rollups.rebuild()
        phases.done("monitoring rollups (shop.monitoring.rollups.rebuild)")
        # generate.py's bulk products neither: count each group's visible ones.
        active.rebuild()
        phases.done("active products (shop.monitoring.active.rebuild)")
        analyze()
        phases.done("ANALYZE")
        continue_sequences(db)
        print(
            f"generated {n_orders} orders with {made_lines} lines over {months} months "
            f"in {phases.total():.1f}s"
        )


def read_catalogue(conn) -> dict[int, array]:
    """Every group's id (in id order) → its products' first variants, as a
    flat array of (product id, variant id, price) triples: three numbers a
    product, whatever the scale (names are read per batch, `names_of`)."""
    from sqlalchemy import select

    from shop.catalogue.models import Product, Variant
    from shop.groups.models import Group

    group_ids = conn.scalars(select(Group.id).order_by(Group.id)).all()
    if not group_ids:
        raise SystemExit("no groups: run bench/generate.py first")
    catalogue: dict[int, array] = {g: array("q") for g in group_ids}
    rows = conn.execute(
        select(Product.group_id, Product.id, Variant.id, Variant.price)
        .join(Variant, Variant.product_id == Product.id)
        .where(Variant.position == 0)
        .order_by(Product.id)
        .execution_options(yield_per=20_000)
    )
    for group_id, product_id, variant_id, price in rows:
        catalogue[group_id].extend((product_id, variant_id, price))
    return catalogue


def names_of(conn, product_ids) -> dict[int, tuple[str, str]]:
    """The name and first variant's label of these products, by id."""
    from sqlalchemy import select

    from shop.catalogue.models import Product, Variant

    if not product_ids:
        return {}
    rows = conn.execute(
        select(Product.id, Product.name, Variant.label)
        .join(Variant, Variant.product_id == Product.id)
        .where(Variant.position == 0, Product.id.in_(sorted(product_ids)))
    )
    return {product_id: (name, label) for product_id, name, label in rows}


def insert_orders(conn, rnd: random.Random, to_make: int, months: int, now, catalogue) -> int:
    """`to_make` orders over the last `months` months, each with its checkout
    and lines, BATCH orders a transaction. Returns the number of lines."""
    from sqlalchemy import func, insert, select

    from shop.orders.models import Checkout, Order, OrderLine

    group_ids = list(catalogue)
    statuses = [s for s in STATUSES for _ in range(s[1])]
    span = months * 30 * 24 * 3600
    first_order = (conn.scalar(select(func.max(Order.id))) or 0) + 1
    first_checkout = (conn.scalar(select(func.max(Checkout.id))) or 0) + 1
    first_line = (conn.scalar(select(func.max(OrderLine.id))) or 0) + 1
    line_id = first_line
    for start in range(0, to_make, BATCH):
        checkouts, orders, lines = [], [], []
        for n in range(start, min(start + BATCH, to_make)):
            order_id, checkout_id = first_order + n, first_checkout + n
            group_id = rnd.choice(group_ids)
            created = now - timedelta(seconds=rnd.randrange(span))
            status, _, confirmed, paid_share = rnd.choice(statuses)
            paid = rnd.random() < paid_share
            order_lines = line_rows(rnd, order_id, line_id, catalogue[group_id])
            line_id += len(order_lines)
            lines.extend(order_lines)
            checkouts.append(
                {
                    "id": checkout_id,
                    "token": f"bench-{checkout_id}",
                    "key": f"bench-key-{checkout_id}",
                    "created_at": created,
                }
            )
            subtotal = sum(line["unit_price"] * line["quantity"] for line in order_lines)
            orders.append(
                order_row(
                    rnd, order_id, checkout_id, group_id, created, subtotal, status, confirmed, paid
                )
            )
        names = names_of(conn, {line["product_id"] for line in lines if line["product_id"]})
        for line in lines:
            if line["product_id"]:
                line["product_name"], line["variant_label"] = names[line["product_id"]]
        conn.execute(insert(Checkout.__table__), checkouts)
        conn.execute(insert(Order.__table__), orders)
        conn.execute(insert(OrderLine.__table__), lines)
        conn.commit()
        print(f"    {start + len(orders)} orders", end="\r", flush=True)
    return line_id - first_line


def line_rows(rnd: random.Random, order_id: int, first_id: int, offer: array) -> list[dict]:
    """1–3 lines of the group's products (`offer`: product id, variant id and
    price triples; one made-up line if it has none), with ids from `first_id`
    on. Names are filled in by the caller."""
    picks = rnd.sample(range(len(offer) // 3), min(len(offer) // 3, rnd.randint(1, 3)))
    if not picks:
        return [line_row(rnd, order_id, first_id, None, None, 25000, "Produk kelompok", "1 pcs")]
    return [
        line_row(rnd, order_id, first_id + k, *offer[3 * i : 3 * i + 3], None, None)
        for k, i in enumerate(picks)
    ]


def line_row(rnd, order_id, line_id, product_id, variant_id, price, name, label) -> dict:
    return {
        "id": line_id,
        "order_id": order_id,
        "variant_id": variant_id,
        "product_id": product_id,
        "product_name": name,
        "variant_label": label,
        "unit_price": price,
        "quantity": rnd.randint(1, 4),
        "stock_taken": False,
    }


def order_row(
    rnd, order_id, checkout_id, group_id, created, subtotal, status, confirmed, paid
) -> dict:
    """An order's columns: confirmed minutes to two days after it was placed
    (if `confirmed`), paid an hour after that (if `paid`)."""
    confirmed_at = created + timedelta(seconds=rnd.randint(300, 48 * 3600)) if confirmed else None
    return {
        "id": order_id,
        "number": f"BN{order_id:09d}",
        "tracking_token": f"bench-track-{order_id}",
        "checkout_id": checkout_id,
        "group_id": group_id,
        "buyer_name": f"Pembeli {order_id % 5000}",
        "buyer_phone": f"+62857{order_id % 100000000:08d}",
        "address": "Jl. Bench 1",
        "note": "",
        "locale": "id",
        "delivery_method": rnd.choice(("pickup", "pickup", "local")),
        "payment_method": rnd.choice(("transfer", "cash")),
        "status": status,
        "payment_status": "paid" if paid else "unpaid",
        "subtotal": subtotal,
        "shipping_fee": 0,
        "unique_code": 0,
        "courier": "",
        "tracking_number": "",
        "cancel_reason": "Stok habis" if status == "cancelled" else "",
        "created_at": created,
        "confirmed_at": confirmed_at,
        "paid_at": (confirmed_at or created) + timedelta(hours=1) if paid else None,
        "closed_at": None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=18)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{HERE / 'out' / 'bench.db'}")
    os.environ.setdefault("MEDIA_ROOT", str(HERE / "out" / "media"))
    generate(args.orders, args.months)


if __name__ == "__main__":
    main()
