"""`flask jobs worker|scheduler`: the background processes of a site on Redis."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from shop.jobs import queue_of
from shop.jobs.periodic import TASKS, Scheduler

jobs_cli = AppGroup("jobs", help="Background jobs and the periodic work.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs waiting now, then stop.")
def worker(burst: bool) -> None:
    """Run queued jobs (photo variants, notifications, the periodic work).

    Run as many as the machines need; each job is taken by one worker.
    """
    from rq import SimpleWorker

    queue = queue_of(current_app)
    if queue is None:
        raise click.ClickException(
            "No job queue is configured (ETALASE_REDIS_URL or ETALASE_JOBS_REDIS_URL): "
            "jobs run inside the web process."
        )
    # SimpleWorker runs each job in this process (no fork), so the app and
    # its database pool are created once; each job gets its own app context.
    # with_scheduler: a failed job's retries (after 10 s, 1 min, 5 min) are
    # scheduled jobs, which only a worker with RQ's scheduler puts back on
    # the queue (one worker holds its lock at a time).
    SimpleWorker([queue.queue], connection=queue.redis).work(
        burst=burst, logging_level="INFO", with_scheduler=True
    )


@jobs_cli.command("scheduler")
@click.option("--once", is_flag=True, help="Start what is due now, then stop.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.5),
    default=5.0,
    show_default=True,
    help="Seconds between looks at the clock.",
)
def scheduler(once: bool, interval: float) -> None:
    """Start the periodic work, once per cluster even with several schedulers.

    With a job queue the tasks go to the workers; without one they run here.
    """
    app = current_app._get_current_object()
    runner = Scheduler(app)
    if once:
        started = runner.tick()
        click.echo(f"Started: {', '.join(started) or 'nothing (another scheduler has it)'}.")
        return
    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    tasks = ", ".join(f"{task.name} every {task.every} s" for task in TASKS)
    click.echo(f"Scheduler running: {tasks}.")
    runner.run_forever(stopped, interval)
    click.echo("Stopped.")
