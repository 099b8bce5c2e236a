"""Photo uploads: the answer, the worker's share, and what checkout waits meanwhile.

    python bench/upload.py --base http://127.0.0.1:8123 --mode queue --redis-url redis://…
    python bench/upload.py --base http://127.0.0.1:8123 --mode inprocess

A member of a group of the benchmark's own ("bench-unggah", created here with
its draft products in the benchmark database, DATABASE_URL) logs in through
the real form and sends 12-megapixel phone-like JPEGs (4000×3000, gradients,
shapes and sensor-like noise, about 4-5 MB) through the product photo form
(/kelola/<slug>/produk/<id>/foto: csrf_token, photo, alt_text). A few random
pixels of every upload are changed and the JPEG encoded again before its POST
(outside the timing), so no upload is deduplicated, in this run or a later
one against the same database.

Per round (--rounds, default 3):
- `upload`: --uploads photos one after the other, each waiting until its
  photo is ready; the time from sending the POST to its answer (303/302),
  and until the image row is `ready` (polled in the database every 20 ms:
  the worker's share, variants and all). Figures are the round's median.
- `checkout` (--checkout-seconds > 0): bench/checkout.py's buyers for that
  long alone, then as long again with --uploaders members uploading
  continuously (each sends its next photo once its last one is ready); the
  place-order POST p50/p99 of both, and the uploads' answers meanwhile. The
  queue is drained before every window, so no leftover work spills over.

Prints one line per figure: `label unit value-of-round-1 value-of-round-2 …`
(run.sh turns them into min/median/max and ratios); notes go to stderr.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import random
import re
import statistics
import sys
import threading
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

GROUP_SLUG = "bench-unggah"
PHONE = "+6281955500001"
PASSWORD = "bench-password"
PRODUCTS = 40
MAX_PHOTOS = 8  # shop.catalogue.services.MAX_PHOTOS: the form refuses a ninth
WIDTH, HEIGHT = 4000, 3000


class UploadFailed(RuntimeError):
    pass


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the photo -----------------------------------------------------------------


def base_photo(seed: int = 12):
    """A 4000×3000 picture that compresses like a phone photo: smooth light
    gradients, blurred objects, coarse and fine (sensor-like) noise."""
    from PIL import Image, ImageChops, ImageDraw, ImageFilter

    rnd = random.Random(seed)

    def gradient(angle: int):
        return Image.linear_gradient("L").rotate(angle).resize((WIDTH, HEIGHT), Image.BILINEAR)

    radial = Image.radial_gradient("L").resize((WIDTH, HEIGHT), Image.BILINEAR)
    light = Image.merge("RGB", (gradient(0), gradient(70), ImageChops.invert(radial)))
    small = light.resize((400, 300))
    draw = ImageDraw.Draw(small)
    for _ in range(25):
        x, y, size = rnd.randrange(400), rnd.randrange(300), rnd.randrange(10, 90)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        draw.ellipse((x - size, y - size * 0.7, x + size, y + size * 0.7), fill=colour)
    picture = small.filter(ImageFilter.GaussianBlur(3)).resize((WIDTH, HEIGHT), Image.BICUBIC)
    coarse = Image.effect_noise((WIDTH // 8, HEIGHT // 8), 40).resize(
        (WIDTH, HEIGHT), Image.BICUBIC
    )
    fine = Image.effect_noise((WIDTH, HEIGHT), 9)
    picture = ImageChops.add(picture, Image.merge("RGB", (coarse,) * 3), offset=-128)
    return ImageChops.add(picture, Image.merge("RGB", (fine,) * 3), offset=-128)


class Photos:
    """Unique JPEGs of one base picture: 16 random pixels changed each time."""

    def __init__(self) -> None:
        self.picture = base_photo()
        self.lock = threading.Lock()

    def make(self) -> bytes:
        with self.lock:
            picture = self.picture.copy()
        for _ in range(16):
            xy = (random.randrange(WIDTH), random.randrange(HEIGHT))
            picture.putpixel(xy, tuple(os.urandom(3)))
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=88)
        return buffer.getvalue()


# --- the database: a member, a group, products; the photos' status ------------


def prepare() -> list[int]:
    """The bench member, group and draft products (created once), emptied of the
    photos an earlier run added. Returns the product ids."""
    from sqlalchemy import delete, select
    from werkzeug.security import generate_password_hash

    from shop import create_app
    from shop.accounts.models import User
    from shop.catalogue.models import Category, Product, ProductPhoto, ProductStatus
    from shop.extensions import db
    from shop.groups.models import Group, Membership, Programme, Role

    app = create_app()
    with app.app_context():
        group = db.session.scalar(select(Group).where(Group.slug == GROUP_SLUG))
        if group is None:
            user = User(
                name="Penjual Bench",
                phone=PHONE,
                password_hash=generate_password_hash(PASSWORD),
            )
            group = Group(
                slug=GROUP_SLUG,
                name="Kelompok Bench Unggah",
                programme=Programme.UPPKA,
                province_code="15",
                regency_code="15.71",
                story="Kelompok untuk mengukur unggahan foto.",
                member_count=3,
                whatsapp="+6281955500002",
            )
            db.session.add_all([user, group, Membership(group=group, user=user, role=Role.LEADER)])
            for n in range(PRODUCTS):
                db.session.add(
                    Product(
                        group=group,
                        slug=f"foto-bench-{n}",
                        name=f"Keripik Foto Bench {n}",
                        category=Category("makanan-ringan"),
                        status=ProductStatus.DRAFT,
                    )
                )
            db.session.flush()
        ids = db.session.scalars(
            select(Product.id).where(Product.group_id == group.id).order_by(Product.id)
        ).all()
        db.session.execute(delete(ProductPhoto).where(ProductPhoto.product_id.in_(ids)))
        db.session.commit()
        return list(ids)


class Status:
    """Reads an image's status by its content key, each read its own short
    transaction (deferred on SQLite: it never takes the write lock)."""

    def __init__(self) -> None:
        from sqlalchemy import create_engine

        import shop.db_events  # noqa: F401  (the app's SQLite pragmas)

        url = os.environ["DATABASE_URL"]
        self.engine = create_engine(url.replace("postgres://", "postgresql://", 1))

    def of(self, key: str) -> str | None:
        from sqlalchemy import text

        with self.engine.connect().execution_options(sqlite_deferred_begin=True) as conn:
            row = conn.execute(text("SELECT status FROM image WHERE key = :k"), {"k": key}).first()
            conn.rollback()
        return row[0] if row else None

    def processing(self) -> int:
        """Photos of the bench products still processing."""
        from sqlalchemy import text

        with self.engine.connect().execution_options(sqlite_deferred_begin=True) as conn:
            count = conn.execute(
                text(
                    "SELECT count(*) FROM image i JOIN product_photo pp ON pp.image_id = i.id "
                    'JOIN product p ON p.id = pp.product_id JOIN "group" g ON g.id = p.group_id '
                    "WHERE i.status = 'processing' AND g.slug = :slug"
                ),
                {"slug": GROUP_SLUG},
            ).scalar_one()
            conn.rollback()
        return count


# --- the client ------------------------------------------------------------------


def log_in(base: str) -> requests.Session:
    http = requests.Session()
    page = http.get(f"{base}/masuk", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if not token:
        sys.exit("no CSRF token on the log-in page")
    answer = http.post(
        f"{base}/masuk",
        data={"csrf_token": token.group(1), "login": PHONE, "password": PASSWORD},
        headers={"Origin": base, "Referer": f"{base}/masuk"},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302 or "session" not in http.cookies:
        sys.exit(f"log-in failed: {answer.status_code}")
    return http


class Uploader:
    """A logged-in member sending photos to the bench products, at most
    MAX_PHOTOS per product (shared between uploaders)."""

    slots_lock = threading.Lock()

    def __init__(self, base: str, slots: list[int], photos: Photos, status: Status) -> None:
        self.base = base
        self.slots = slots
        self.photos = photos
        self.status = status
        self.http = log_in(base)
        # One CSRF token per session (Flask-WTF), read from a photo page.
        page = self.http.get(self._url(slots[-1]), timeout=30).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        if not token:
            sys.exit(f"no CSRF token on {self._url(slots[-1])}")
        self.csrf = token.group(1)

    def _url(self, product: int) -> str:
        return f"{self.base}/kelola/{GROUP_SLUG}/produk/{product}/foto"

    def _slot(self) -> int:
        with self.slots_lock:
            if not self.slots:
                raise UploadFailed("no product has room for another photo: raise PRODUCTS")
            return self.slots.pop()

    def upload(self, wait: bool) -> tuple[float, float | None]:
        """(seconds to the answer, seconds until ready or None if not waited)."""
        from shop.media.services import upload_key

        product = self._slot()
        url = self._url(product)
        data = self.photos.make()
        key = upload_key(hashlib.sha256(data).hexdigest(), private=False)
        started = time.perf_counter()
        answer = self.http.post(
            url,
            data={"csrf_token": self.csrf, "alt_text": "Foto dari ponsel"},
            files={"photo": ("IMG_20261204_101500.jpg", data, "image/jpeg")},
            headers={"Origin": self.base, "Referer": url},
            allow_redirects=False,
            timeout=120,
        )
        answered = time.perf_counter() - started
        if answer.status_code not in (302, 303):
            errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)<', answer.text)
            raise UploadFailed(f"upload answered {answer.status_code}: {errors[:3]}")
        if not wait:
            return answered, None
        while True:
            state = self.status.of(key)
            if state == "ready":
                return answered, time.perf_counter() - started
            if state != "processing":
                raise UploadFailed(f"upload {key[:12]} is {state!r}, not ready")
            if time.perf_counter() - started > 120:
                raise UploadFailed(f"upload {key[:12]} still processing after 120 s")
            time.sleep(0.02)


def drain(status: Status, redis_url: str | None) -> None:
    """Wait until no photo is processing and the job queue is idle (share
    images are drawn after the variants), so no work spills into a window."""
    queue = None
    if redis_url:
        from redis import Redis
        from rq import Queue

        queue = Queue("etalase", connection=Redis.from_url(redis_url))
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        idle = queue is None or (queue.count == 0 and queue.started_job_registry.count == 0)
        if idle and status.processing() == 0:
            return
        time.sleep(0.05)
    sys.exit("the job queue did not drain within 120 s")


def checkout_window(base, pairs, seconds, buyers, uploaders, wait_ready):
    """Checkout buyers for `seconds`, with `uploaders` uploading meanwhile.
    Returns (place-order POST latencies, upload answers, failures)."""
    from checkout import buyer

    latencies: list[float] = []
    errors: list[str] = []
    answers: list[float] = []
    failures: list[str] = []
    stop = time.perf_counter() + seconds

    def upload_loop(member: Uploader) -> None:
        try:
            while time.perf_counter() < stop:
                answered, _ready = member.upload(wait=wait_ready)
                answers.append(answered)
        except UploadFailed as failed:
            failures.append(str(failed))

    threads = [
        threading.Thread(target=buyer, args=(base, pairs, stop, latencies, errors, n))
        for n in range(buyers)
    ] + [threading.Thread(target=upload_loop, args=(member,)) for member in uploaders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise UploadFailed(failures[0])
    return sorted(latencies), answers, errors


def p99(values: list[float]) -> float:
    return values[max(int(len(values) * 0.99) - 1, 0)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", required=True)
    parser.add_argument("--mode", choices=("queue", "inprocess"), required=True)
    parser.add_argument("--redis-url", help="the job queue's Redis (mode queue): drained")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--uploads", type=int, default=5, help="sequential uploads per round")
    parser.add_argument("--checkout-seconds", type=float, default=0)
    parser.add_argument("--buyers", type=int, default=8)
    parser.add_argument("--uploaders", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{HERE / 'out' / 'bench.db'}")

    started = time.perf_counter()
    ids = prepare()
    slots = [product for product in ids for _ in range(MAX_PHOTOS)]
    photos = Photos()
    status = Status()
    member = Uploader(args.base, slots, photos, status)
    members = [member] + [
        Uploader(args.base, slots, photos, status) for _ in range(args.uploaders - 1)
    ]
    pairs = None
    if args.checkout_seconds:
        from checkout import pick_variants

        pairs = pick_variants()
    note(f"upload.py {args.mode}: ready in {time.perf_counter() - started:.1f}s")
    if args.mode == "queue":
        size = len(photos.make()) / 1_000_000
        print(f"# photos: {WIDTH}×{HEIGHT} JPEG, {size:.1f} MB, each with 16 random pixels")

    # Warm-up: one upload (imports, connections) and a second of checkout.
    member.upload(wait=True)
    drain(status, args.redis_url)
    if pairs:
        checkout_window(args.base, pairs, 1, args.buyers, [], True)

    rows: dict[str, list[float]] = {}

    def add(label: str, seconds: float) -> None:
        rows.setdefault(label, []).append(seconds * 1000)

    for round_ in range(args.rounds):
        answers, readies = [], []
        for _ in range(args.uploads):
            answered, ready = member.upload(wait=True)
            answers.append(answered)
            readies.append(ready)
        drain(status, args.redis_url)
        add("upload-answer", statistics.median(answers))
        add("upload-ready", statistics.median(readies))
        note(
            f"round {round_ + 1}: answers "
            + " ".join(f"{a * 1000:.0f}" for a in answers)
            + " ms; ready "
            + " ".join(f"{r * 1000:.0f}" for r in readies)
            + " ms"
        )
        if not pairs:
            continue
        alone, _, failed_alone = checkout_window(
            args.base, pairs, args.checkout_seconds, args.buyers, [], True
        )
        drain(status, args.redis_url)
        loaded, during, failed_loaded = checkout_window(
            args.base, pairs, args.checkout_seconds, args.buyers, members, True
        )
        drain(status, args.redis_url)
        if not alone or not loaded or not during:
            sys.exit("a checkout window placed no order or made no upload")
        add("checkout-p50-alone", statistics.median(alone))
        add("checkout-p50-uploads", statistics.median(loaded))
        add("checkout-p99-alone", p99(alone))
        add("checkout-p99-uploads", p99(loaded))
        add("upload-answer-checkout", statistics.median(during))
        rows.setdefault("checkout-p50-slowdown", []).append(
            statistics.median(loaded) / statistics.median(alone)
        )
        note(
            f"round {round_ + 1}: checkout alone {len(alone)} POSTs p50 "
            f"{statistics.median(alone) * 1000:.0f} ms ({len(failed_alone)} failures); "
            f"with uploads {len(loaded)} POSTs p50 {statistics.median(loaded) * 1000:.0f} ms "
            f"({len(failed_loaded)} failures), {len(during)} uploads"
        )
    suffix = "" if args.mode == "queue" else "-inprocess"
    for label, values in rows.items():
        unit, shown = ("x", "{:.2f}") if label.endswith("slowdown") else ("ms", "{:.1f}")
        print(f"{label}{suffix} {unit}", *map(shown.format, values), flush=True)
    note(f"upload.py {args.mode}: {time.perf_counter() - started:.0f}s in all")


if __name__ == "__main__":
    main()
