"""Background jobs: slow work (photo variants, share images, notification
delivery, the periodic sweeps) enqueued once the transaction that needs it
commits.

A service calls `enqueue_after_commit("shop.media.jobs.make_variants", image.id)`
beside the rows that record the truth (a photo "processing", an outbox
message). Nothing is sent while the transaction is open; a rollback drops the
job with it. After the commit the job goes to RQ on Redis when JOBS_REDIS_URL
is set (`flask jobs worker` runs it), else it runs in this process as soon as
the request has its answer ready (the embedded default: nothing to install).

Every job must be safe to run twice and must survive being lost: the database
stays the truth, and the periodic work (`shop.jobs.periodic`) picks up what a
lost job left behind.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session, SessionTransaction

from shop.db import within

log = logging.getLogger(__name__)

_PENDING = "shop.jobs.pending"
_READY = "_etalase_jobs_ready"
# Seconds a queued job may run before RQ stops it, and its retries.
JOB_TIMEOUT = 300
RETRY_INTERVALS = (10, 60, 300)
# One warning per this many seconds while Redis cannot take jobs, and how
# long to run jobs here before trying Redis again.
_WARN_EVERY = 60.0
_RETRY_REDIS_AFTER = 15.0


@dataclass(frozen=True)
class Job:
    """A function by import path and its (plain, JSON-able) arguments."""

    name: str
    args: tuple = ()


def enqueue_after_commit(name: str, *args) -> None:
    """Run `name(*args)` in the background once the current transaction commits.

    The same job asked for twice in one transaction runs once. A savepoint
    that rolls back drops the jobs asked for inside it.
    """
    from shop.extensions import db

    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction() or session.begin()
    pending: list[tuple[SessionTransaction, Job]] = session.info.setdefault(_PENDING, [])
    job = Job(name, tuple(args))
    if all(queued != job for _tx, queued in pending):
        pending.append((transaction, job))


def resolve(name: str) -> Callable:
    module, _, attribute = name.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def run(name: str, *args) -> None:
    """What a worker executes: the job inside a fresh app context of its own
    (its own database session, removed afterwards)."""
    from flask import current_app as app

    with app.app_context():
        resolve(name)(*args)


# Work still waiting after this long lost its job (a worker killed, Redis
# down when it was queued): the periodic work runs it again.
STUCK_AFTER = timedelta(minutes=5)
RESUME_BATCH = 50


def resume_lost(model, waiting, job: str) -> int:
    """Queue `job(id)` again (or run it here, without a queue) for rows of
    `model` still `waiting` a while after they were made; returns how many.
    Each job is safe to run twice, so one that was only slow does no harm."""
    from shop.db import utcnow
    from shop.extensions import db

    ids = db.session.scalars(
        select(model.id)
        .where(waiting, model.created_at < utcnow() - STUCK_AFTER)
        .order_by(model.id)
        .limit(RESUME_BATCH)
    ).all()
    db.session.commit()
    queue = queue_of(current_app)
    for row_id in ids:
        if queue is not None and queue.push(Job(job, (row_id,))):
            continue
        try:
            resolve(job)(row_id)
        except Exception:
            log.exception("%s %s failed again; the next round retries", model.__name__, row_id)
            db.session.rollback()
    return len(ids)


# --- dispatch after commit ---------------------------------------------------


class _Queue:
    """The RQ queue of an app, created once (the Redis client is thread-safe)."""

    def __init__(self, url: str, name: str) -> None:
        from redis import Redis
        from rq import Queue

        self.redis = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
        self.queue = Queue(name, connection=self.redis)
        self._warned_at = 0.0
        self._down_until = 0.0

    def push(self, job: Job) -> bool:
        """Queue the job; False when Redis cannot take it (then, for a while,
        without trying again, so an outage costs no request its timeout)."""
        from rq import Retry

        if time.monotonic() < self._down_until:
            return False
        try:
            self.queue.enqueue_call(
                "shop.jobs.run",
                args=(job.name, *job.args),
                timeout=JOB_TIMEOUT,
                result_ttl=3600,
                failure_ttl=7 * 24 * 3600,
                retry=Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)),
                description=f"{job.name}{job.args!r}",
            )
        except Exception as exc:  # Redis down: the caller runs it here instead
            now = time.monotonic()
            self._down_until = now + _RETRY_REDIS_AFTER
            if now - self._warned_at > _WARN_EVERY:
                self._warned_at = now
                log.warning("Job queue unavailable, running jobs in this process: %s", exc)
            return False
        return True


def queue_of(app: Flask) -> _Queue | None:
    """The app's RQ queue, or None when jobs run in-process."""
    url = app.config.get("JOBS_REDIS_URL")
    if not url:
        return None
    queue = app.extensions.get("etalase.jobs")
    if queue is None:
        queue = app.extensions["etalase.jobs"] = _Queue(url, app.config["JOBS_QUEUE"])
    return queue


def _dispatch(jobs: list[Job]) -> None:
    if not has_app_context():
        log.warning("Jobs committed outside an app context were dropped: %s", jobs)
        return
    queue = queue_of(current_app)
    if queue is not None:
        # A job Redis cannot take runs here, as without a queue: a photo or an
        # export is not left waiting for Redis to come back.
        jobs = [job for job in jobs if not queue.push(job)]
    ready = g.setdefault(_READY, [])
    ready.extend(job for job in jobs if job not in ready)


def run_in_process_jobs(*_ignored) -> None:
    """Run the jobs committed so far in this app context (no queue configured).

    Called after a request's answer is sent and when the app context ends
    (a CLI command), never inside a transaction hook. A failing job is
    logged and left to the periodic work; it never fails the request.
    """
    if not has_app_context():
        return
    from shop.extensions import db

    while jobs := g.pop(_READY, None):
        for job in jobs:
            try:
                resolve(job.name)(*job.args)
            except Exception:
                log.exception("In-process job %s failed; the periodic sweep retries it", job)
                db.session.rollback()


def _after_request(response):
    """The request's jobs run once its answer has been sent (the photo
    uploaded answers at once, its variants follow), in an app context of
    their own: the request's session and objects are left alone."""
    jobs = g.pop(_READY, None)
    if jobs:
        app = current_app._get_current_object()
        response.call_on_close(lambda: _run_detached(app, jobs))
    return response


def _run_detached(app: Flask, jobs: list[Job]) -> None:
    from shop.extensions import db

    if has_app_context():
        # Served inside an app context that outlives the request (a test
        # client's): the request is over, so end its transaction and its lock.
        db.session.remove()
    with app.app_context():
        g.setdefault(_READY, []).extend(jobs)
        run_in_process_jobs()


def _after_commit(session: Session) -> None:
    # A released savepoint also fires after_commit: only the outermost commit dispatches.
    if session.get_nested_transaction() is not None:
        return
    pending = session.info.pop(_PENDING, None)
    if pending:
        _dispatch([job for _tx, job in pending])


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = [(tx, job) for tx, job in pending if not within(tx, previous)]


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ended without a commit (closed after an error).
    if transaction.parent is None and not transaction.nested:
        pending = session.info.get(_PENDING)
        if pending:
            session.info[_PENDING] = [
                (tx, job) for tx, job in pending if not within(tx, transaction)
            ]


# Registered on the Session by shop.session_hooks.install (create_app).
SESSION_HOOKS = (
    ("after_commit", _after_commit),
    ("after_soft_rollback", _after_soft_rollback),
    ("after_transaction_end", _after_transaction_end),
)


def init_jobs(app: Flask) -> None:
    app.after_request(_after_request)
    app.teardown_appcontext(run_in_process_jobs)
