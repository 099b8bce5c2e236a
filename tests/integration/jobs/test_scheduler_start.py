"""The in-process scheduler (one machine, no Redis) runs only in a process
that serves pages, and a restart does not run the daily work again at once."""

from __future__ import annotations

import pytest

from shop.jobs.periodic import LONG_TASK, TASKS, Scheduler
from tests.conftest import make_live_app


@pytest.mark.no_db_transaction
def test_the_scheduler_starts_with_the_first_request_not_with_a_command(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "schedstart", NOTIFY_IN_PROCESS=True)
    # Made, as `flask db upgrade` or `flask backup restore` make it: no scheduler.
    assert "etalase.scheduler" not in app.extensions

    app.test_client().get("/healthz")
    app.test_client().get("/healthz")

    thread = app.extensions["etalase.scheduler"]
    try:
        assert thread.is_alive()
    finally:
        thread.stop(timeout=30)
    assert not thread.is_alive()


@pytest.mark.no_db_transaction
def test_a_restarted_scheduler_without_redis_waits_for_the_next_daily_slot(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "schedslots")
    now = 1_800_000_000.0
    scheduler = Scheduler(app, started_at=now)
    started: list[str] = []
    scheduler._start = lambda task: started.append(task.name)  # record, run nothing

    first = scheduler.tick(now)
    day = next(task.every for task in TASKS if task.every >= LONG_TASK)
    next_day = (int(now // day) + 1) * day
    later = scheduler.tick(next_day)

    assert sorted(first) == sorted(task.name for task in TASKS if task.every < LONG_TASK)
    assert {task.name for task in TASKS if task.every >= LONG_TASK} <= set(later)
    assert started == first + later
