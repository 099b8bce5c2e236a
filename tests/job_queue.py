"""The job queue on a Redis of the test module's own. Import the fixtures
where they are needed, and give the module its app:

    from tests.job_queue import queue_fixture, redis_server_fixture, run_worker  # noqa: F401

    @pytest.fixture(scope="module")
    def queued_app(tmp_path_factory, redis_server):
        return make_live_app(tmp_path_factory, "jobs", JOBS_REDIS_URL=redis_server.url)

(the fixtures are named `redis_server` and `queue`; the functions carry
another name so a test's parameter does not shadow an import).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rq import SimpleWorker

from shop.jobs import queue_of
from tests.redis_server import RedisServer


@pytest.fixture(scope="module", name="redis_server")
def redis_server_fixture() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture(name="queue")
def queue_fixture(queued_app):
    """The module's app's queue, empty: nothing left from an earlier test."""
    jobs = queue_of(queued_app)
    jobs.queue.empty()
    jobs.redis.flushdb()
    return jobs


def run_worker(app, jobs) -> None:
    """A worker that runs every queued job, then returns."""
    with app.app_context():
        SimpleWorker([jobs.queue], connection=jobs.redis).work(burst=True)


def client_of(app, phone: str):
    """A test client of `app` logged in as the person with `phone`."""
    from tests.factories import PASSWORD

    client = app.test_client()
    response = client.post("/masuk", data={"login": phone, "password": PASSWORD})
    assert response.status_code == 302
    return client


def export_files(app) -> list[str]:
    """The export files in `app`'s storage."""
    from shop.media.storage import get_storage

    with app.app_context():
        return sorted(
            f.path for f in get_storage().iter_files() if f.path.startswith("private/exports/")
        )
