"""The bucket goes away while the site serves (issue 11, review): every route
that reads a stored file answers 503 with Retry-After (an empty body for an
image, the page in the visitor's language otherwise), pages that only link
images still render, /readyz says so within seconds, the log says so once,
and service comes back with the bucket without restarting anything.

Two ways a bucket fails: its server stops (connections refused), or it hangs
(a socket that accepts and never answers), which without short timeouts and
a breaker cost every request a minute or more.
"""

from __future__ import annotations

import io
import itertools
import logging
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer
from PIL import Image as PILImage

from shop.catalogue.models import ProductStatus
from shop.catalogue.services import refresh_derived, set_status
from shop.extensions import db
from shop.media.s3 import RETRY_SECONDS, make_s3_client
from shop.payments.models import PaymentProof
from shop.sharing.views import share_image_url
from tests.factories import (
    MembershipFactory,
    ProductFactory,
    VariantFactory,
    transfer_order,
)
from tests.redis_server import free_port
from tests.s3 import KEYS, REGION, use_bucket

INDONESIAN, ENGLISH = "Sebentar lagi kembali", "Back in a moment"
FILES_ID = "Toko sedang tidak dapat membuka berkas simpanannya"
FILES_EN = "The shop cannot reach its stored files"
_numbers = itertools.count(1)


class BucketServer:
    """moto's S3 server on a port of its own, which the test stops and starts
    again on the same port (moto keeps the objects in the process)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._server: ThreadedMotoServer | None = None
        self.start()

    def start(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


class SilentServer:
    """Accepts connections and never answers: a hung endpoint."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # closed
            self.held.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.held:
            connection.close()


@pytest.fixture
def bucket_server() -> Iterator[BucketServer]:
    server = BucketServer()
    yield server
    server.stop()


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


@pytest.fixture
def bucket(app, monkeypatch, tmp_path, bucket_server) -> str:
    name = f"etalase-outage-{next(_numbers)}-{int(time.time() * 1000) % 10**8}"
    make_s3_client(endpoint_url=bucket_server.endpoint, region=REGION, **KEYS).create_bucket(
        Bucket=name
    )
    use_bucket(app, monkeypatch, tmp_path, bucket_server.endpoint, name)
    return name


def jpeg(color=(200, 120, 40), size=(800, 600)) -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", size, color).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def published_product_with_photo(client, login_as):
    """A group member uploads a photo (its variants made in-process) and the
    product is on the public site."""
    membership = MembershipFactory()
    product = ProductFactory(group=membership.group, status=ProductStatus.DRAFT)
    VariantFactory(product=product)
    login_as(membership.user)
    response = client.post(
        f"/kelola/{membership.group.slug}/produk/{product.id}/foto",
        data={"photo": (io.BytesIO(jpeg()), "abon.jpg"), "alt_text": "Abon"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(product)
    set_status(product, ProductStatus.PUBLISHED)
    refresh_derived(product)
    db.session.flush()
    image = product.photos[0].image
    assert image.width_list
    return product, image


def order_with_proof(client) -> tuple[str, str]:
    """An order paid by transfer whose buyer sent a receipt photo: the
    tracking page and the receipt's address."""
    order = transfer_order()
    track = f"/lacak/{order.number}/{order.tracking_token}"
    response = client.post(
        f"{track}/bukti",
        data={"proof": (io.BytesIO(jpeg((30, 60, 90))), "struk.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    proof = db.session.scalar(db.select(PaymentProof).where(PaymentProof.order_id == order.id))
    return track, f"{track}/bukti/{proof.id}"


def timed(client, url: str, **kwargs):
    started = time.monotonic()
    response = client.get(url, **kwargs)
    return response, time.monotonic() - started


def assert_retry_after(response) -> None:
    """30 s, or the end of the rate-limit window when the route is limited
    (Flask-Limiter keeps the later of the two)."""
    assert 30 <= int(response.headers["Retry-After"]) <= 60


def assert_bare_503(response) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert_retry_after(response)
    assert "no-store" in response.headers["Cache-Control"]
    assert response.data == b""


def assert_page_503(response, words: tuple[str, str]) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code == 503, text[:300]
    assert_retry_after(response)
    assert "no-store" in response.headers["Cache-Control"]
    assert response.mimetype == "text/html"
    assert all(word in text for word in words), text
    assert "Traceback" not in text and "botocore" not in text


def outage_lines(caplog) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "shop.outages"]


def test_a_stopped_bucket_is_a_503_and_service_comes_back(
    app, client, login_as, bucket, bucket_server, caplog
):
    caplog.set_level(logging.INFO)
    product, image = published_product_with_photo(client, login_as)
    variant = f"/media/{image.path_for(image.width_list[0])}"
    page = f"/k/{product.group.slug}/{product.slug}"
    with app.test_request_context():
        share = share_image_url(product)
    export = client.get(f"/kelola/{product.group.slug}/promosi/katalog.pdf")
    assert export.status_code == 303, export.get_data(as_text=True)
    download = export.headers["Location"]
    assert download.endswith("/berkas")
    track, proof = order_with_proof(client)
    for url in (variant, share, download, proof, page, track, "/readyz"):
        assert client.get(url).status_code == 200, url

    bucket_server.stop()

    response, took = timed(client, variant)
    assert_bare_503(response)
    assert took < 5
    for _ in range(3):  # the breaker: no new attempt, at once
        response, took = timed(client, variant)
        assert_bare_503(response)
        assert took < 0.5
    assert_bare_503(client.get(share))
    assert_page_503(client.get(proof), (INDONESIAN, FILES_ID))
    assert_page_503(client.get(download), (INDONESIAN, FILES_ID))
    assert_page_503(client.get(f"{download}?hl=en"), (ENGLISH, FILES_EN))
    # Pages that only link images still render.
    shown = client.get(page)
    assert shown.status_code == 200 and variant in shown.get_data(as_text=True)
    assert client.get(track).status_code == 200
    ready, took = timed(client, "/readyz")
    assert ready.status_code == 503 and took < 3
    assert ready.json["checks"]["storage"].startswith("failed")
    assert ready.json["checks"]["database"] == "ok"
    lines = outage_lines(caplog)
    assert [level for level, _ in lines] == ["WARNING"]
    assert lines[0][1].startswith(f"Object storage (bucket {bucket} at 127.0.0.1:")

    bucket_server.start()
    started = time.monotonic()
    while client.get(variant).status_code != 200:
        assert time.monotonic() - started < RETRY_SECONDS + 5, "the bucket is not used again"
        time.sleep(0.2)
    for url in (variant, share, download, proof, "/readyz"):
        assert client.get(url).status_code == 200, url
    assert [level for level, _ in outage_lines(caplog)] == ["WARNING", "INFO"]
    assert "answers again" in outage_lines(caplog)[1][1]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_bucket_that_never_answers_costs_one_request_its_timeouts(
    app, client, login_as, bucket, monkeypatch, tmp_path, silent_server, caplog
):
    caplog.set_level(logging.INFO)
    product, image = published_product_with_photo(client, login_as)
    variant = f"/media/{image.path_for(image.width_list[0])}"
    page = f"/k/{product.group.slug}/{product.slug}"
    # The same bucket, now behind an endpoint that accepts and never answers.
    use_bucket(app, monkeypatch, tmp_path, silent_server.endpoint, bucket)

    # The readiness probe asks once, for 2 s: well under the 5 s read timeout
    # other storage calls wait (the margin is for a loaded machine).
    ready, took = timed(client, "/readyz")
    assert ready.status_code == 503 and took < 4.5, took
    assert ready.json["checks"]["storage"].startswith("failed")
    # Then storage calls fail at once for a few seconds: images are a 503 at
    # once, and pages that link them render.
    for _ in range(3):
        response, took = timed(client, variant)
        assert_bare_503(response)
        assert took < 0.5, took
    shown, took = timed(client, page)
    assert shown.status_code == 200 and variant in shown.get_data(as_text=True)
    assert took < 2, took

    # After the pause one request tries the bucket again: connect 2 s, read
    # 5 s, two attempts at most (it was 30 s and three attempts, each).
    time.sleep(RETRY_SECONDS)
    response, took = timed(client, variant)
    assert_bare_503(response)
    assert took < 15, took
    response, took = timed(client, variant)
    assert_bare_503(response)
    assert took < 0.5, took

    assert [level for level, _ in outage_lines(caplog)] == ["WARNING"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
