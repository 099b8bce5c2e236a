"""Fill a database with N groups and M products for the benchmark.

    python bench/generate.py --groups 500 --products 10000

Uses DATABASE_URL (default: bench/out/bench.db, SQLite). Builds 1,000,000
products in minutes with memory bounded: rows are made and inserted CHUNK
products at a time (Core executemany, one commit per chunk), each with the
derived fields the catalogue service would store (prices, in_stock and
`search_text` by `shop.catalogue.search.index_text` itself, and on SQLite
their full-text rows). On PostgreSQL the search index is then built in one
statement. Then the planner's statistics are gathered (ANALYZE), and a sample
of products is checked against `refresh_derived`, the service's own code.

Short codes (`/s/<code>`) are not the models' random defaults, which collide
in bulk (a product's 6 characters after ~50,000 products, a group's 5 after a
few thousand groups): each row gets `bench_code(id)`, a bijection of its id
onto the codes of that length.

A database holds one scale: run again with the same numbers, nothing is done;
with other numbers on a database that has rows, the generator refuses (use a
fresh database: run.sh keeps one SQLite file per BENCH_SCALE).
"""

from __future__ import annotations

import argparse
import functools
import io
import os
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import column, table

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
# Products made and inserted per transaction: bounds memory at any scale.
CHUNK = 20_000
# SQLite's page cache for the bulk load, in KiB (negative: a size, not pages).
SQLITE_CACHE_KIB = -256 * 1024
# A multiplier coprime with 30 (the alphabet's size), so n -> n * A + B is a
# permutation of the codes of any length: neighbouring ids get unlike codes.
_CODE_MULTIPLIER = 7_368_787
_CODE_OFFSET = 123_456
# A product's copy of its group's columns, where the product table has them
# (shop.catalogue.listing).
GROUP_LISTING = ("programme", "province_code", "regency_code")


def bench_code(n: int, length: int) -> str:
    """The `length`-character short code of the n-th row: a bijection of
    0 <= n < 30**length onto the codes of that length (shop.core.short_codes's
    alphabet), so ids never collide; 5 characters for groups, 6 for products,
    as the app's own codes."""
    from shop.core.short_codes import ALPHABET

    size = len(ALPHABET) ** length
    if not 0 <= n < size:
        raise ValueError(f"no {length}-character code for {n}")
    value = (n * _CODE_MULTIPLIER + _CODE_OFFSET) % size
    # Three characters at a time (27,000 pairs of a value and its characters).
    pieces = []
    for _ in range(0, length, 3):
        value, low = divmod(value, 27_000)
        pieces.append(_triples(ALPHABET)[low])
    return "".join(reversed(pieces))[-length:]


@functools.cache
def _triples(alphabet: str) -> list[str]:
    """Every three-character string of `alphabet`, by its value in base 30."""
    return [a + b + c for a in alphabet for b in alphabet for c in alphabet]


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


class Phases:
    """Prints how long each phase took, and the total."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()

    def done(self, what: str) -> None:
        now = time.perf_counter()
        print(f"  {what}: {now - self.last:.1f}s", flush=True)
        self.last = now

    def total(self) -> float:
        return time.perf_counter() - self.started


def generate(n_groups: int, n_products: int, seed: int = 7) -> None:
    """Migrate the database, then add the groups, their leaders, the shared
    photos and the products, unless it already has this scale."""
    from flask_migrate import upgrade

    from shop import create_app
    from shop.backup.database import continue_sequences
    from shop.db import utcnow
    from shop.extensions import db

    rnd = random.Random(seed)
    app = create_app()
    with app.app_context():
        upgrade(directory=str(HERE.parent / "migrations"))
        if not is_empty(n_groups, n_products):
            return
        db.session.commit()  # SQLite: one writer at a time, the bulk connection
        print(f"generating {n_groups} groups and {n_products} products", flush=True)
        phases = Phases()
        now = utcnow()
        image_ids = store_photos()
        phases.done("12 shared photos and their variants")
        with bulk_connection() as conn:
            groups = insert_groups(conn, rnd, n_groups, now)
            phases.done(f"{n_groups} groups, their leaders and memberships")
            insert_products(conn, rnd, n_products, groups, image_ids, now)
            phases.done(f"{n_products} products, {2 * n_products} variants, {n_products} photos")
        build_search_index()
        phases.done("search index (PostgreSQL; on SQLite made with the products)")
        analyze()
        phases.done("ANALYZE")
        continue_sequences(db)
        check_derived(rnd)
        phases.done("derived fields of 50 products checked against refresh_derived")
        print(f"generated {n_groups} groups and {n_products} products in {phases.total():.1f}s")


def is_empty(n_groups: int, n_products: int) -> bool:
    """True on a database with no groups nor products; False (nothing to do)
    when it has this scale's (rows the other benchmarks add, such as
    upload.py's group, are not counted); refuses any other."""
    from sqlalchemy import func, select

    from shop.catalogue.models import Product
    from shop.extensions import db
    from shop.groups.models import Group

    def count(model, *where) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    generated = (
        count(Group, Group.slug.like("kelompok-%")),
        count(Product, Product.slug.like("produk-%")),
    )
    if generated == (n_groups, n_products):
        print(f"database already has {n_groups} groups and {n_products} products; nothing to do")
        return False
    if (count(Group), count(Product)) == (0, 0):
        return True
    raise SystemExit(
        f"database has {generated[0]} generated groups and {generated[1]} products, not "
        f"{n_groups} and {n_products} (another scale, or an interrupted run): generate "
        f"into a fresh database (another DATABASE_URL, or delete the SQLite file)"
    )


class bulk_connection:  # noqa: N801 (a context manager, used as a function)
    """A connection of its own for the bulk inserts, committed per chunk. On
    PostgreSQL its triggers are off (session_replication_role = replica, when
    the role may set it): product_fts_sync would index each product as it
    comes, and reindex_all indexes all of them in one statement afterwards;
    foreign keys are not checked either (the rows are made consistent)."""

    def __enter__(self):
        from sqlalchemy import text

        from shop.extensions import db

        self.conn = db.engine.connect()
        self.replica = False
        if self.conn.dialect.name == "sqlite":
            # SQLite's default page cache is 2 MB: a million rows' indexes
            # (random short codes, names) would be read back from the OS.
            self.conn.exec_driver_sql(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
            self.conn.commit()
        if self.conn.dialect.name == "postgresql":
            try:
                self.conn.execute(text("SET session_replication_role = replica"))
                self.conn.commit()
                self.replica = True
            except Exception:  # not a superuser: the triggers stay on
                self.conn.rollback()
        return self.conn

    def __exit__(self, *exc) -> None:
        from sqlalchemy import text

        if self.replica:
            self.conn.rollback()
            self.conn.execute(text("SET session_replication_role = DEFAULT"))
            self.conn.commit()
        self.conn.close()


def insert_groups(conn, rnd: random.Random, n_groups: int, now) -> dict[int, dict]:
    """`n_groups` active groups, each with a leader (a user of its own).
    Returns each group's name, programme and region by id."""
    from sqlalchemy import func, insert, select
    from werkzeug.security import generate_password_hash

    from shop.accounts.models import User
    from shop.groups.models import Group, Membership
    from shop.regions.models import Regency

    regencies = conn.execute(select(Regency.code, Regency.province_code)).all()
    password = generate_password_hash("bench-password")
    first_user = (conn.scalar(select(func.max(User.id))) or 0) + 1
    first_group = (conn.scalar(select(func.max(Group.id))) or 0) + 1
    groups_by_id = {}
    for start in range(0, n_groups, CHUNK):
        users, groups, members = [], [], []
        for i in range(start, min(start + CHUNK, n_groups)):
            user_id, group_id = first_user + i, first_group + i
            users.append(
                {
                    "id": user_id,
                    "name": f"Ketua {i}",
                    "phone": f"+62813{i:08d}",
                    "password_hash": password,
                    "created_at": now,
                }
            )
            group = group_row(rnd, i, group_id, regencies, now)
            groups_by_id[group_id] = {k: group[k] for k in ("name", *GROUP_LISTING)}
            groups.append(group)
            members.append(
                {"group_id": group_id, "user_id": user_id, "role": "ketua", "created_at": now}
            )
        conn.execute(insert(User.__table__), users)
        conn.execute(insert(Group.__table__), groups)
        conn.execute(insert(Membership.__table__), members)
        conn.commit()
    return groups_by_id


def group_row(rnd: random.Random, i: int, group_id: int, regencies, now) -> dict:
    """The columns of the i-th group, in a random regency and programme."""
    from shop.core.short_codes import GROUP_CODE_LENGTH

    regency, province = rnd.choice(regencies)
    return {
        "id": group_id,
        "slug": f"kelompok-{i}",
        "short_code": bench_code(group_id, GROUP_CODE_LENGTH),
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


def store_photos() -> list[int]:
    """Twelve stored images the products share, their variants made; their ids."""
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
    ids = [image.id for image in images]
    db.session.commit()
    run_in_process_jobs()  # what the commit queued, before any product exists
    db.session.commit()
    db.session.close()  # SQLite: the bulk connection is the only writer now
    return ids


def insert_products(
    conn, rnd: random.Random, n_products: int, groups: dict[int, dict], image_ids, now
) -> None:
    """`n_products` published products of random groups, two variants and one
    photo each, with their derived fields, CHUNK products a transaction."""
    from sqlalchemy import func, insert, select

    from shop.catalogue.models import Product, ProductPhoto, Variant

    group_ids = list(groups)
    listing = "listed" in Product.__table__.c
    sqlite = conn.dialect.name == "sqlite"
    first_id = (conn.scalar(select(func.max(Product.id))) or 0) + 1
    for start in range(0, n_products, CHUNK):
        products, variants, photos = [], [], []
        for n in range(start, min(start + CHUNK, n_products)):
            product, product_variants, photo = product_rows(
                rnd, first_id + n, n, groups, group_ids, image_ids, now
            )
            if listing:
                product.update(listing_fields(groups[product["group_id"]]))
            products.append(product)
            variants.extend(product_variants)
            photos.append(photo)
        conn.execute(insert(Product.__table__), products)
        conn.execute(insert(Variant.__table__), variants)
        conn.execute(insert(ProductPhoto.__table__), photos)
        if sqlite:
            conn.execute(insert(SQLITE_FTS), [fts_row(p["id"], p["search_text"]) for p in products])
        conn.commit()
        print(f"    {start + len(products)} products", end="\r", flush=True)


def product_rows(rnd: random.Random, pid: int, n: int, groups, group_ids, image_ids, now):
    """The n-th product's row (id `pid`), its two variants' and its photo's."""
    from shop.core.short_codes import PRODUCT_CODE_LENGTH

    name = f"{rnd.choice(WORDS)} {rnd.choice(FLAVOURS)} {n}"
    group_id = rnd.choice(group_ids)
    product = {
        "id": pid,
        "group_id": group_id,
        "slug": f"produk-{pid}",
        "short_code": bench_code(pid, PRODUCT_CODE_LENGTH),
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
        "hidden_reason": "",
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
    product.update(derived(product, variants, groups[group_id]["name"]))
    photo = {"product_id": pid, "image_id": rnd.choice(image_ids), "alt_text": name, "position": 0}
    return product, variants, photo


def listing_fields(group: dict) -> dict:
    """The listing columns (shop.catalogue.listing) of a published, visible
    product of this active group, as the ORM's before_flush would set them
    (relist_all would too, in one UPDATE of every row after the load)."""
    return {"listed": True, **{name: group[name] for name in GROUP_LISTING}}


def derived(product: dict, variants: list[dict], group_name: str) -> dict:
    """What `shop.catalogue.services.refresh_derived` stores for a product
    with these columns, variants and group, computed on plain values:
    price_min, price_max and in_stock as it does, search_text by the search
    module's own `index_text` (check_derived compares a sample)."""
    from shop.catalogue import search

    prices = [v["price"] for v in variants]
    in_stock = (not product["catalogue_only"]) and any(
        v["stock"] is not None and v["stock"] >= v["min_order_qty"] for v in variants
    )
    text_of = SimpleNamespace(
        name=product["name"],
        description=product["description"],
        category=product["category"],
        group=SimpleNamespace(name=group_name),
    )
    return {
        "price_min": min(prices) if prices else None,
        "price_max": max(prices) if prices else None,
        "in_stock": in_stock,
        "search_text": search.index_text(text_of),
    }


# SQLite's full-text index (migration 0003): an FTS5 table of each product's
# stems and words, by part, under the product's id.
SQLITE_FTS = table("product_fts", column("rowid"), column("name"), column("meta"), column("body"))


def fts_row(product_id: int, search_text: str) -> dict:
    """A product's row in SQLite's index, as search.reindex_products writes
    it: the parts' lexemes by search.document_lexemes."""
    from shop.catalogue import search

    lexemes = search.document_lexemes(search_text)
    return {"rowid": product_id, **{part: " ".join(words) for part, words in lexemes.items()}}


def build_search_index() -> None:
    """The full-text index of every product. On PostgreSQL one statement,
    search.reindex_all (its trigger was off during the load). On SQLite the
    stems are computed in Python, so insert_products wrote them with each
    chunk: one transaction of a million rows, or a DELETE of each chunk's
    ids before its INSERT (reindex_products), takes far longer."""
    from shop.catalogue import search
    from shop.extensions import db

    if db.engine.dialect.name != "sqlite":
        search.reindex_all()
        db.session.commit()


def analyze() -> None:
    """Statistics for the planner after the bulk load (and, on PostgreSQL, the
    visibility map, so autovacuum does not start in the middle of a run)."""
    from sqlalchemy import text

    from shop.extensions import db

    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def check_derived(rnd: random.Random, sample: int = 50) -> None:
    """Recompute the derived fields of `sample` random products with the
    service's `refresh_derived`, compare with what was stored, roll back."""
    from sqlalchemy import func, select

    from shop.catalogue.models import Product
    from shop.catalogue.services import refresh_derived
    from shop.extensions import db

    fields = ("price_min", "price_max", "in_stock", "search_text")
    top = db.session.scalar(select(func.max(Product.id)))
    ids = {rnd.randint(1, top) for _ in range(sample)}
    products = db.session.scalars(select(Product).where(Product.id.in_(ids))).all()
    stored = {p.id: tuple(getattr(p, f) for f in fields) for p in products}
    for product in products:
        refresh_derived(product)
    wrong = [p.id for p in products if tuple(getattr(p, f) for f in fields) != stored[p.id]]
    db.session.rollback()
    if wrong:
        raise SystemExit(f"derived fields differ from refresh_derived for products {wrong}")


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
