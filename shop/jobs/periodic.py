"""The periodic work, and the scheduler that starts it once per cluster.

Each task runs at most once per slot of its interval (slot = UTC time //
interval) in the whole cluster: a scheduler takes the slot with Redis
`SET key NX EX`, so two schedulers (for redundancy) never both start it. The
tasks themselves are safe to run twice anyway (atomic claims, conditional
updates), which covers a scheduler without Redis and a job retried by RQ.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from flask import Flask

from shop.config import config_flag
from shop.jobs import Job, queue_of, resolve

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    job: str
    every: int  # seconds


TASKS = (
    # The outbox is also drained right after each commit that writes to it;
    # this catches retries and anything a lost job left behind.
    Periodic("deliver-notifications", "shop.notify.jobs.deliver", every=30),
    Periodic("resume-photos", "shop.media.jobs.resume_processing", every=120),
    Periodic("resume-exports", "shop.exports.jobs.resume_exports", every=120),
    # Pre-order rounds past their deadline (the production list is the group's then).
    Periodic("close-preorder-rounds", "shop.rounds.jobs.close_due", every=60),
    Periodic("expire-unpaid-orders", "shop.orders.jobs.expire_due", every=300),
    Periodic("monitoring-rollups", "shop.monitoring.rollups.keep_up", every=300),
    # Card refunds Stripe has not answered yet (and pending ones, in case a webhook is lost).
    Periodic("retry-card-refunds", "shop.payments.refunds.retry_card_refunds", every=300),
    Periodic("certificate-reminders", "shop.coordinators.jobs.certificates_due", every=86_400),
    Periodic("sweep-media", "shop.media.jobs.sweep", every=86_400),
    # Ended and expired login sessions, log-in failure counts nobody adds to,
    # and one-time codes and links dead for a day.
    Periodic("sweep-login-sessions", "shop.accounts.sessions.sweep", every=3600),
    Periodic("sweep-bulk-codes", "shop.bulk.jobs.sweep_codes", every=3600),
)
LOCK_PREFIX = "etalase:periodic"
# Tasks this rare wait for their next slot in a scheduler that just started.
LONG_TASK = 3600


class Scheduler:
    """Starts each task once per slot; `tick()` is one look at the clock.

    With a job queue the task is enqueued for the workers; without one it
    runs here, in an app context of its own.
    """

    def __init__(self, app: Flask, tasks=TASKS, *, started_at: float | None = None) -> None:
        self.app = app
        self.tasks = tasks
        self.done: dict[str, int] = {}
        if started_at is not None and queue_of(app) is None:
            # With no Redis to remember a slot across restarts, a process that
            # starts does not run the daily work at once (every restart of
            # `make run` would sweep again): it waits for the next slot.
            for task in tasks:
                if task.every >= LONG_TASK:
                    self.done[task.name] = int(started_at // task.every)

    def _take(self, task: Periodic, slot: int) -> bool:
        queue = queue_of(self.app)
        if queue is None:
            return True
        key = f"{LOCK_PREFIX}:{task.name}:{slot}"
        try:
            return bool(queue.redis.set(key, "1", nx=True, ex=max(task.every * 2, 60)))
        except Exception as exc:  # Redis down: nobody can enqueue; try next tick
            log.warning("Scheduler cannot reach Redis, %s waits: %s", task.name, exc)
            return False

    def tick(self, now: float | None = None) -> list[str]:
        """Start every task whose slot has come; returns the names started here."""
        now = time.time() if now is None else now
        started = []
        for task in self.tasks:
            slot = int(now // task.every)
            if self.done.get(task.name) == slot:
                continue
            if not self._take(task, slot):
                # Another scheduler has it (or Redis is away): look again next slot.
                if queue_of(self.app) is not None:
                    self.done[task.name] = slot
                continue
            self.done[task.name] = slot
            started.append(task.name)
            self._start(task)
        return started

    def _start(self, task: Periodic) -> None:
        queue = queue_of(self.app)
        if queue is not None:
            queue.push(Job(task.job))
            return
        with self.app.app_context():
            try:
                resolve(task.job)()
            except Exception:  # the site keeps running; the next slot tries again
                log.exception("Periodic task %s failed", task.name)

    def run_forever(self, stopped: threading.Event, interval: float = 5.0) -> None:
        while not stopped.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("Scheduler tick failed")
            stopped.wait(interval)


class SchedulerThread(threading.Thread):
    """The scheduler inside the web process, for `make run` (one process)."""

    def __init__(self, app: Flask, interval: float) -> None:
        super().__init__(name="etalase-scheduler", daemon=True)
        self.scheduler = Scheduler(app, started_at=time.time())
        self.interval = interval
        self._stopped = threading.Event()

    def run(self) -> None:
        self.scheduler.run_forever(self._stopped, self.interval)

    def stop(self, timeout: float | None = None) -> None:
        self._stopped.set()
        self.join(timeout)


def start_in_process_scheduler(app: Flask, interval: float = 5) -> SchedulerThread | None:
    """For `make run`: the periodic work from a daemon thread of the app.

    Does nothing unless NOTIFY_IN_PROCESS is true. Several processes doing
    this never send a message twice or expire an order twice: the tasks'
    claims are atomic.
    """
    if not config_flag(app.config.get("NOTIFY_IN_PROCESS")):
        return None
    thread = SchedulerThread(app, interval)
    thread.start()
    return thread


def start_with_first_request(app: Flask) -> None:
    """Start the in-process scheduler when the app serves its first request,
    so only a serving process runs it: never `flask db upgrade`, `flask backup
    restore` or a worker that happens to have NOTIFY_IN_PROCESS set."""
    if not config_flag(app.config.get("NOTIFY_IN_PROCESS")):
        return
    lock = threading.Lock()

    def start_once() -> None:
        if "etalase.scheduler" in app.extensions:
            return
        with lock:
            if "etalase.scheduler" not in app.extensions:
                app.extensions["etalase.scheduler"] = start_in_process_scheduler(app)

    app.before_request(start_once)
