"""Fill a database with N groups and M products for the benchmark.

    python bench/generate.py --groups 500 --products 10000

Uses DATABASE_URL (default: bench/out/bench.db, SQLite). Rows are inserted in
bulk; derived product fields and the search index are computed by the same
code the services use, so the catalogue behaves as in production.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

WORDS = (
    "Abon Ikan Lele|Kerupuk Lele|Keripik Pisang|Keripik Singkong|Kue Kering Nastar|Dodol Nanas|"
    "Sambal Bawang|Tas Rajut|Dompet Anyaman|Batik Tulis|Kopi Robusta|Jahe Merah Instan|"
    "Rengginang|Emping Melinjo|Abon Sapi|Bandeng Presto|Teri Crispy|Kue Bawang|Sirup Markisa|"
    "Madu Hutan|Sabun Sereh|Taplak Rajut|Topi Rajut|Keset Kain Perca"
).split("|")
FLAVOURS = ("Original", "Pedas", "Manis", "Balado", "Keju", "Jumbo", "Mini", "Spesial", "Premium")
CATEGORIES = ("makanan-ringan", "makanan", "minuman", "bumbu-sambal", "kue", "kerajinan", "rajutan")
PROGRAMMES = ("jps-tkm", "uppka", "up2k-pkk", "koperasi", "lapas", "lainnya")


def _jpeg(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    im = Image.new("RGB", (900, 900), tuple(rnd.randrange(120, 240) for _ in range(3)))
    draw = ImageDraw.Draw(im)
    draw.rounded_rectangle(
        (250, 180, 650, 760), 40, fill=tuple(rnd.randrange(30, 160) for _ in range(3))
    )
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def generate(n_groups: int, n_products: int, seed: int = 7) -> None:
    """Migrate the database, then add the groups, their leaders, the shared
    photos and the products, unless it already has `n_products` products."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from shop import create_app
    from shop.backup.database import continue_sequences
    from shop.catalogue.models import Product
    from shop.db import utcnow
    from shop.extensions import db

    rnd = random.Random(seed)
    app = create_app()
    with app.app_context():
        upgrade(directory=str(HERE.parent / "migrations"))
        existing = db.session.scalar(select(func.count()).select_from(Product))
        if existing >= n_products:
            print(f"database already has {existing} products; nothing to do")
            return
        started = time.perf_counter()
        now = utcnow()
        group_ids = insert_groups(rnd, n_groups, now)
        images = store_photos()
        first_id = insert_products(rnd, n_products, group_ids, images, now)
        refresh_products(first_id, n_products)
        db.session.commit()
        continue_sequences(db)
        elapsed = time.perf_counter() - started
        print(f"generated {n_groups} groups and {n_products} products in {elapsed:.1f}s")


def insert_groups(rnd: random.Random, n_groups: int, now) -> list[int]:
    """`n_groups` active groups, each with a leader (a user of its own).
    Returns the groups' ids."""
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from shop.accounts.models import User
    from shop.extensions import db
    from shop.groups.models import Group, Membership
    from shop.regions.models import Regency

    regencies = db.session.execute(select(Regency.code, Regency.province_code)).all()
    password = generate_password_hash("bench-password")
    users = [
        {
            "name": f"Ketua {i}",
            "phone": f"+62813{i:08d}",
            "password_hash": password,
            "created_at": now,
        }
        for i in range(n_groups)
    ]
    db.session.execute(insert(User), users)
    user_ids = db.session.scalars(select(User.id).order_by(User.id)).all()[-n_groups:]
    groups = [group_row(rnd, i, regencies, now) for i in range(n_groups)]
    db.session.execute(insert(Group), groups)
    group_ids = db.session.scalars(select(Group.id).order_by(Group.id)).all()[-n_groups:]
    db.session.execute(
        insert(Membership),
        [
            {"group_id": g, "user_id": u, "role": "ketua", "created_at": now}
            for g, u in zip(group_ids, user_ids, strict=True)
        ],
    )
    return group_ids


def group_row(rnd: random.Random, i: int, regencies, now) -> dict:
    """The columns of the i-th group, in a random regency and programme."""
    regency, province = rnd.choice(regencies)
    return {
        "slug": f"kelompok-{i}",
        "name": f"Kelompok {rnd.choice(WORDS).split()[0]} {i}",
        "programme": rnd.choice(PROGRAMMES),
        "status": "active",
        "province_code": province,
        "regency_code": regency,
        "story": "Kelompok usaha bersama.",
        "member_count": rnd.randint(2, 20),
        "whatsapp": f"+62812{i:08d}",
        "pickup_address": "",
        "accepts_transfer": True,
        "accepts_cash": True,
        "accepts_card": False,
        "offers_pickup": True,
        "offers_local_delivery": True,
        "offers_courier": False,
        "created_at": now,
        "updated_at": now,
    }


def store_photos() -> list:
    """Twelve stored images the products share, their variants made."""
    from shop.extensions import db
    from shop.jobs import run_in_process_jobs
    from shop.media.jobs import make_variants
    from shop.media.services import store_image

    images = [store_image(_jpeg(s)) for s in range(12)]
    db.session.flush()
    # Their variants and the jobs that follow now, while no product uses
    # them: run at the app context's end instead, each photo's share-image
    # job would draw the cards of the ~800 products sharing it, in every
    # language (20 minutes of Pillow).
    for image in images:
        make_variants(image.id)
    run_in_process_jobs()
    return images


def insert_products(rnd: random.Random, n_products: int, group_ids, images, now) -> int:
    """`n_products` published products of random groups, two variants and one
    photo each, with ids given up front. Returns the first product's id."""
    from sqlalchemy import func, insert, select

    from shop.catalogue.models import Product, ProductPhoto, Variant
    from shop.extensions import db

    products, variants, photos = [], [], []
    first_id = (db.session.scalar(select(func.max(Product.id))) or 0) + 1
    for n in range(n_products):
        product, product_variants, photo = product_rows(
            rnd, first_id + n, n, group_ids, images, now
        )
        products.append(product)
        variants.extend(product_variants)
        photos.append(photo)
    for chunk in range(0, n_products, 2000):
        db.session.execute(insert(Product), products[chunk : chunk + 2000])
    db.session.execute(insert(Variant), variants)
    db.session.execute(insert(ProductPhoto), photos)
    db.session.flush()
    return first_id


def product_rows(rnd: random.Random, pid: int, n: int, group_ids, images, now):
    """The n-th product's row (id `pid`), its two variants' and its photo's."""
    name = f"{rnd.choice(WORDS)} {rnd.choice(FLAVOURS)} {n}"
    product = {
        "id": pid,
        "group_id": rnd.choice(group_ids),
        "slug": f"produk-{pid}",
        "name": name,
        "category": rnd.choice(CATEGORIES),
        "description": f"{name} buatan kelompok.",
        "catalogue_only": False,
        "status": "published",
        "storage_instructions": "",
        "ingredients": "",
        "allergens": "",
        "pirt_number": "",
        "halal_number": "",
        "bpom_number": "",
        "in_stock": False,
        "search_text": "",
        "created_at": now,
        "updated_at": now,
        "published_at": now,
    }
    base = rnd.randrange(10, 200) * 1000
    variants = [
        {
            "product_id": pid,
            "label": "100 g",
            "price": base,
            "stock": rnd.randint(0, 50),
            "min_order_qty": 1,
            "position": 0,
        },
        {
            "product_id": pid,
            "label": "250 g",
            "price": base * 2,
            "stock": None,
            "lead_time_days": 3,
            "min_order_qty": 1,
            "position": 1,
        },
    ]
    photo = {"product_id": pid, "image_id": rnd.choice(images).id, "alt_text": name, "position": 0}
    return product, variants, photo


def refresh_products(first_id: int, n_products: int) -> None:
    """Derived product fields by the services' own code, a thousand products
    a transaction, then the search index."""
    from sqlalchemy import select

    from shop.catalogue import search
    from shop.catalogue.models import Product
    from shop.catalogue.services import refresh_derived
    from shop.extensions import db

    for offset in range(0, n_products, 1000):
        batch = db.session.scalars(
            select(Product).where(
                Product.id >= first_id + offset, Product.id < first_id + offset + 1000
            )
        ).all()
        for product in batch:
            refresh_derived(product)
        db.session.commit()
    search.reindex_all()
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--groups", type=int, default=500)
    parser.add_argument("--products", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{HERE / 'out' / 'bench.db'}")
    os.environ.setdefault("MEDIA_ROOT", str(HERE / "out" / "media"))
    (HERE / "out").mkdir(exist_ok=True)
    generate(args.groups, args.products)


if __name__ == "__main__":
    main()
