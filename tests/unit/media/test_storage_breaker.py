"""The bucket's short timeouts, its quick readiness client, and the breaker
that makes storage calls fail at once for a few seconds after one failed."""

from __future__ import annotations

import logging
import threading
import time

import pytest

import shop.media.s3 as storage_module
from shop.media.s3 import Breaker, S3Storage, make_s3_client
from shop.media.storage import get_storage
from shop.outages import StorageUnavailable
from tests.redis_server import free_port
from tests.s3 import KEYS, REGION, s3_bucket_fixture, s3_server_fixture  # noqa: F401

VARIANT = "ab/" + "ab" * 32 + "-640.webp"


def retries(client) -> dict:
    return client.meta.config.retries


def test_requests_and_probes_have_short_timeouts(app, app_ctx, monkeypatch):
    settings = {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": "etalase-timeouts",
        "S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}",
        "S3_REGION": REGION,
    }
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)

    storage = get_storage()

    assert isinstance(storage, S3Storage)
    config = storage.client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (2, 5)
    assert retries(storage.client)["total_max_attempts"] == 2
    probe = storage.probe_client.meta.config
    assert (probe.connect_timeout, probe.read_timeout) == (2, 2)
    assert retries(storage.probe_client)["total_max_attempts"] == 1
    # One breaker per process and bucket, shared by every request.
    assert get_storage().breaker is storage.breaker


class FailingCall:
    """A storage call that fails (or hangs for `delay` first) until told not to."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls = 0
        self.down = True

    def __call__(self) -> str:
        self.calls += 1
        time.sleep(self.delay)
        if self.down:
            raise StorageUnavailable("object storage is unavailable: timed out")
        return "ok"


def storage_with(call: FailingCall, breaker: Breaker) -> S3Storage:
    storage = S3Storage(object(), "etalase", breaker=breaker)
    storage._check = call
    return storage


def test_after_a_failure_calls_fail_at_once_then_one_tries_again(caplog):
    caplog.set_level(logging.INFO, logger="shop.outages")
    breaker = Breaker("Object storage (bucket breaker-test-1)", retry_seconds=0.3)
    call = FailingCall()
    storage = storage_with(call, breaker)

    with pytest.raises(StorageUnavailable):
        storage.check()
    for _ in range(5):
        with pytest.raises(StorageUnavailable) as fast:
            storage.check()
    assert call.calls == 1
    assert fast.value.service == breaker.service
    assert "not tried again" in str(fast.value)

    time.sleep(0.35)
    call.down = False
    storage.check()
    storage.check()
    assert call.calls == 3
    # One line when it went, one when it came back.
    assert [r.levelname for r in caplog.records] == ["WARNING", "INFO"]
    assert caplog.records[0].getMessage().startswith(f"{breaker.service} is unreachable")
    assert caplog.records[1].getMessage() == f"{breaker.service} answers again: back to normal"


def test_while_one_call_tries_a_hung_bucket_again_the_others_fail_at_once():
    breaker = Breaker("Object storage (bucket breaker-test-2)", retry_seconds=0.2)
    call = FailingCall()
    storage = storage_with(call, breaker)
    with pytest.raises(StorageUnavailable):
        storage.check()
    time.sleep(0.25)

    call.delay = 1.0  # the bucket now hangs for a second
    trial = threading.Thread(target=lambda: pytest.raises(StorageUnavailable, storage.check))
    trial.start()
    time.sleep(0.3)  # the trial is under way, past the pause
    started = time.monotonic()
    for _ in range(10):
        with pytest.raises(StorageUnavailable):
            storage.check()
    assert time.monotonic() - started < 0.1
    trial.join()
    assert call.calls == 2


def test_a_missing_file_is_an_answer_and_a_bad_path_no_failure(s3_bucket):
    storage = S3Storage(
        s3_bucket.client, s3_bucket.name, breaker=Breaker("Object storage (bucket b3)")
    )
    with pytest.raises(FileNotFoundError):
        storage.open(VARIANT)
    with pytest.raises(ValueError):
        storage.read("../etc/passwd")
    assert not storage.breaker.is_open
    assert storage.exists(VARIANT) is False


def test_an_unreachable_bucket_is_tried_once_per_pause():
    closed = f"http://127.0.0.1:{free_port()}"
    client = make_s3_client(endpoint_url=closed, region=REGION, **KEYS)
    storage = S3Storage(client, "etalase", breaker=Breaker(f"Object storage (bucket at {closed})"))
    sent = []
    client.meta.events.register("before-send.s3", lambda request, **_: sent.append(request.url))

    for call in (
        lambda: storage.open(VARIANT),
        lambda: storage.read(VARIANT),
        lambda: storage.exists(VARIANT),
        lambda: storage.save(VARIANT, b"x", "image/webp"),
        lambda: list(storage.iter_files()),
        storage.check,
    ):
        with pytest.raises(StorageUnavailable):
            call()
    # The first call tried twice (one retry); the others did not try at all.
    assert len(sent) == 2
    assert storage_module.RETRY_SECONDS == 5.0
    assert storage.breaker.is_open
