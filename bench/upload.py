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
The photos and the database reads that time them are in bench/upload_photos.py.
"""

from __future__ import annotations

import argparse
import hashlib
import os
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

# bench/'s own modules, found by the line above.
from upload_photos import HEIGHT, WIDTH, Photos, Status, drain  # noqa: E402

GROUP_SLUG = "bench-unggah"
PHONE = "+6281955500001"
PASSWORD = "bench-password"
PRODUCTS = 40
MAX_PHOTOS = 8  # shop.catalogue.services.MAX_PHOTOS: the form refuses a ninth


class UploadFailed(RuntimeError):
    pass


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the database: a member, a group, products ----------------------------------


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


def parse_args() -> argparse.Namespace:
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
    return parser.parse_args()


class Run:
    """One run's members, buyers' variants and figures (label → one value a round)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        ids = prepare()
        slots = [product for product in ids for _ in range(MAX_PHOTOS)]
        self.photos = Photos()
        self.status = Status(GROUP_SLUG)
        self.member = Uploader(args.base, slots, self.photos, self.status)
        self.members = [self.member] + [
            Uploader(args.base, slots, self.photos, self.status) for _ in range(args.uploaders - 1)
        ]
        self.pairs = None
        if args.checkout_seconds:
            from checkout import pick_variants

            self.pairs = pick_variants()
        self.rows: dict[str, list[float]] = {}

    def add(self, label: str, seconds: float) -> None:
        self.rows.setdefault(label, []).append(seconds * 1000)

    def warm_up(self) -> None:
        """One upload (imports, connections) and a second of checkout."""
        self.member.upload(wait=True)
        drain(self.status, self.args.redis_url)
        if self.pairs:
            checkout_window(self.args.base, self.pairs, 1, self.args.buyers, [], True)

    def time_uploads(self, round_: int) -> None:
        """--uploads photos one after the other, each waited for until ready."""
        answers, readies = [], []
        for _ in range(self.args.uploads):
            answered, ready = self.member.upload(wait=True)
            answers.append(answered)
            readies.append(ready)
        drain(self.status, self.args.redis_url)
        self.add("upload-answer", statistics.median(answers))
        self.add("upload-ready", statistics.median(readies))
        note(
            f"round {round_ + 1}: answers "
            + " ".join(f"{a * 1000:.0f}" for a in answers)
            + " ms; ready "
            + " ".join(f"{r * 1000:.0f}" for r in readies)
            + " ms"
        )

    def time_checkout(self, round_: int) -> None:
        """A checkout window alone, then one with the members uploading."""
        args = self.args
        alone, _, failed_alone = checkout_window(
            args.base, self.pairs, args.checkout_seconds, args.buyers, [], True
        )
        drain(self.status, args.redis_url)
        loaded, during, failed_loaded = checkout_window(
            args.base, self.pairs, args.checkout_seconds, args.buyers, self.members, True
        )
        drain(self.status, args.redis_url)
        if not alone or not loaded or not during:
            sys.exit("a checkout window placed no order or made no upload")
        self.add("checkout-p50-alone", statistics.median(alone))
        self.add("checkout-p50-uploads", statistics.median(loaded))
        self.add("checkout-p99-alone", p99(alone))
        self.add("checkout-p99-uploads", p99(loaded))
        self.add("upload-answer-checkout", statistics.median(during))
        self.rows.setdefault("checkout-p50-slowdown", []).append(
            statistics.median(loaded) / statistics.median(alone)
        )
        note(
            f"round {round_ + 1}: checkout alone {len(alone)} POSTs p50 "
            f"{statistics.median(alone) * 1000:.0f} ms ({len(failed_alone)} failures); "
            f"with uploads {len(loaded)} POSTs p50 {statistics.median(loaded) * 1000:.0f} ms "
            f"({len(failed_loaded)} failures), {len(during)} uploads"
        )

    def print_rows(self) -> None:
        """One line per figure: label (with -inprocess in that mode), unit, values."""
        suffix = "" if self.args.mode == "queue" else "-inprocess"
        for label, values in self.rows.items():
            unit, shown = ("x", "{:.2f}") if label.endswith("slowdown") else ("ms", "{:.1f}")
            print(f"{label}{suffix} {unit}", *map(shown.format, values), flush=True)


def main() -> None:
    args = parse_args()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{HERE / 'out' / 'bench.db'}")

    started = time.perf_counter()
    run = Run(args)
    note(f"upload.py {args.mode}: ready in {time.perf_counter() - started:.1f}s")
    if args.mode == "queue":
        size = len(run.photos.make()) / 1_000_000
        print(f"# photos: {WIDTH}×{HEIGHT} JPEG, {size:.1f} MB, each with 16 random pixels")
    run.warm_up()
    for round_ in range(args.rounds):
        run.time_uploads(round_)
        if run.pairs:
            run.time_checkout(round_)
    run.print_rows()
    note(f"upload.py {args.mode}: {time.perf_counter() - started:.0f}s in all")


if __name__ == "__main__":
    main()
