"""The photos bench/upload.py sends, and the database reads that time them.

Photos: 12-megapixel phone-like JPEGs of one base picture, each made unique
by a few random pixels. Status: an image's status read straight from the
benchmark database (DATABASE_URL); drain(): wait until the bench group's
photos are ready and the job queue is idle.
"""

from __future__ import annotations

import io
import os
import random
import sys
import threading
import time

WIDTH, HEIGHT = 4000, 3000


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


class Status:
    """Reads an image's status by its content key, each read its own short
    transaction (deferred on SQLite: it never takes the write lock)."""

    def __init__(self, group_slug: str) -> None:
        from sqlalchemy import create_engine

        import shop.db_events  # noqa: F401  (the app's SQLite pragmas)

        url = os.environ["DATABASE_URL"]
        self.engine = create_engine(url.replace("postgres://", "postgresql://", 1))
        self.group_slug = group_slug

    def of(self, key: str) -> str | None:
        from sqlalchemy import text

        with self.engine.connect().execution_options(sqlite_deferred_begin=True) as conn:
            row = conn.execute(text("SELECT status FROM image WHERE key = :k"), {"k": key}).first()
            conn.rollback()
        return row[0] if row else None

    def processing(self) -> int:
        """Photos of the bench group's products still processing."""
        from sqlalchemy import text

        with self.engine.connect().execution_options(sqlite_deferred_begin=True) as conn:
            count = conn.execute(
                text(
                    "SELECT count(*) FROM image i JOIN product_photo pp ON pp.image_id = i.id "
                    'JOIN product p ON p.id = pp.product_id JOIN "group" g ON g.id = p.group_id '
                    "WHERE i.status = 'processing' AND g.slug = :slug"
                ),
                {"slug": self.group_slug},
            ).scalar_one()
            conn.rollback()
        return count


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
