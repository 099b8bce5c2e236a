"""The job queue on a real Redis: uploads answer before their variants exist,
workers make them, a lost job is picked up again, and two schedulers and two
workers never do the same periodic work twice."""

from __future__ import annotations

import io
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select, update

from shop.catalogue.models import Product
from shop.extensions import db
from shop.jobs.periodic import TASKS, Scheduler
from shop.media.jobs import resume_processing
from shop.media.models import Image, ImageStatus
from shop.orders.jobs import expire_due
from shop.orders.models import Order, OrderStatus
from tests.conftest import make_live_app
from tests.job_queue import queue_fixture, redis_server_fixture, run_worker  # noqa: F401
from tests.redis_server import free_port

PRODUCT = {
    "name": "Abon Lele Pedas",
    "category": "makanan",
    "description": "Abon lele gurih.",
    "variants-0-label": "100 g",
    "variants-0-price": "25.000",
    "variants-0-stock_mode": "stock",
    "variants-0-stock": "9",
    "variants-0-min_order_qty": "1",
    "packaging_type": "standing-pouch",
    "net_content": "100",
    "net_unit": "g",
    "shelf_life": "90",
    "publish": "1",
}


def jpeg(color=(200, 120, 40)) -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", (900, 600), color).save(buf, "JPEG", quality=85)
    return buf.getvalue()


@pytest.fixture(scope="module")
def queued_app(tmp_path_factory, redis_server):
    return make_live_app(tmp_path_factory, "jobs", JOBS_REDIS_URL=redis_server.url)


def upload_product(app, photo: bytes) -> tuple[str, int]:
    from tests.factories import MembershipFactory

    with app.app_context():
        membership = MembershipFactory()
        db.session.commit()
        phone, slug = membership.user.phone, membership.group.slug
    client = app.test_client()
    client.post("/masuk", data={"login": phone, "password": "rahasia-123"})
    response = client.post(
        f"/kelola/{slug}/produk/baru",
        data={**PRODUCT, "photo": (io.BytesIO(photo), "abon.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        product = db.session.scalars(select(Product).order_by(Product.id.desc())).first()
        return f"/k/{slug}/{product.slug}", product.photos[0].image_id


def image_status(app, image_id) -> ImageStatus:
    with app.app_context():
        return db.session.get(Image, image_id).status


@pytest.mark.no_db_transaction
def test_an_upload_answers_first_and_a_worker_makes_the_variants(queued_app, queue):
    page, image_id = upload_product(queued_app, jpeg())

    # The answer came before any variant: the photo waits, the page shows a placeholder.
    assert image_status(queued_app, image_id) is ImageStatus.PROCESSING
    queued = sorted(job.args[0] for job in queue.queue.jobs)
    assert queued == ["shop.media.jobs.make_variants", "shop.sharing.jobs.prerender_product"]
    client = queued_app.test_client()
    assert "photo-pending" in client.get(page).get_data(as_text=True)

    run_worker(queued_app, queue)

    assert image_status(queued_app, image_id) is ImageStatus.READY
    html = client.get(page).get_data(as_text=True)
    assert "photo-pending" not in html and "/media/" in html
    # The share image with the photo was drawn by a job, before any crawler asked.
    with queued_app.app_context():
        from shop.media.storage import get_storage

        shares = [f.path for f in get_storage().iter_files() if f.path.startswith("share/")]
    share_url = re.search(r'property="og:image" content="[^"]*(/bagikan/[^"]+)"', html).group(1)
    assert any(path.endswith(share_url.rsplit("/", 1)[-1]) for path in shares)


@pytest.mark.no_db_transaction
def test_with_redis_down_an_upload_is_processed_in_the_web_process(tmp_path_factory):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    app = make_live_app(tmp_path_factory, "redisdown", JOBS_REDIS_URL=dead)

    _page, image_id = upload_product(app, jpeg((10, 90, 200)))  # no 5xx: the upload stands

    # The queue could not take the job, so it ran here, as without a queue.
    assert image_status(app, image_id) is ImageStatus.READY


@pytest.mark.no_db_transaction
def test_a_lost_job_is_queued_again_by_the_periodic_sweep(queued_app, queue):
    _page, image_id = upload_product(queued_app, jpeg((90, 10, 200)))
    queue.queue.empty()  # the worker that took it was killed: the job is gone
    with queued_app.app_context():
        recent = resume_processing()
        old = datetime.now(UTC) - timedelta(minutes=10)
        db.session.execute(update(Image).where(Image.id == image_id).values(created_at=old))
        db.session.commit()
        resumed = resume_processing()

    assert recent == 0  # a job queued a minute ago is not lost, only waiting
    assert resumed == 1 and queue.queue.count == 1
    assert image_status(queued_app, image_id) is ImageStatus.PROCESSING
    run_worker(queued_app, queue)
    assert image_status(queued_app, image_id) is ImageStatus.READY


@pytest.mark.no_db_transaction
def test_two_schedulers_start_each_periodic_task_once(queued_app, queue):
    first, second = Scheduler(queued_app), Scheduler(queued_app)
    now = 1_800_000_000.0

    started = first.tick(now) + second.tick(now)
    # Later looks within the same slots start nothing again.
    started += first.tick(now + 1) + second.tick(now + 2)

    assert sorted(started) == sorted(task.name for task in TASKS)
    assert queue.queue.count == len(TASKS)
    # The next slot of the 30-second task is started once more, by one of them.
    assert len(first.tick(now + 30) + second.tick(now + 30)) == 1


@pytest.mark.no_db_transaction
def test_two_workers_expire_each_unpaid_order_once_and_return_stock_once(tmp_path_factory):
    from tests.factories import GroupFactory, VariantFactory, make_order

    app = make_live_app(tmp_path_factory, "expiry")
    with app.app_context():
        group = GroupFactory()
        variant = VariantFactory(product__group=group, stock=0)
        past = datetime.now(UTC) - timedelta(days=1)
        for _ in range(12):
            make_order(group, lines=[(variant, 25000, 2)], expires_at=past)
        db.session.commit()
        variant_id = variant.id

    barrier = threading.Barrier(2)
    results: list[int] = []

    def worker():
        with app.app_context():
            barrier.wait()
            results.append(expire_due(batch=5))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    with app.app_context():
        from shop.catalogue.models import Variant

        expired = db.session.scalar(
            select(func.count()).select_from(Order).where(Order.status == OrderStatus.EXPIRED)
        )
        assert expired == 12
        assert sum(results) == 12
        assert db.session.get(Variant, variant_id).stock == 24  # 12 orders × 2, once each
