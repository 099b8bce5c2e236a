"""How a request ends its transaction: the one idiom every view that writes uses.

A view parses its form, then hands its **one** service call to a helper here:

- `commit_or_show(form, action)`: a form page. Commits and returns the
  service's result, or rolls back everything the service started and puts its
  `DomainError` on the form (returns None).
- `commit_or_flash(action, success)`: a button (a form with nothing to mark).
  Commits and flashes `success`, or rolls back and flashes the error; returns
  whether it went through.
- `commit_or_raise(action)`: the primitive under both, for the few views that
  answer several kinds of refusal differently (checkout, card payment): commits
  and returns the result, or rolls back and lets the exception through.

Services never commit (they flush). The only commits in the middle of a
request are made through `commit_midway`, whose `Midway` reasons list every
such place and why it cannot wait for the end.

Background jobs (shop/jobs, the outbox delivery, exports, media) and CLI
commands are not requests: they keep their own explicit `db.session.commit()`,
one per unit of work, so that a failure in one item does not lose the others.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TypeVar

from shop.errors import CountedRefusal, DomainError, apply_to_form
from shop.extensions import db

T = TypeVar("T")


def _roll_back() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the request's teardown discards the session
        pass


def commit_or_raise(action: Callable[[], T]) -> T:
    """Run the view's one service call and commit; any exception rolls back
    everything it started and goes on to the caller. A `CountedRefusal` is the
    one exception committed before it goes on (the try it counted stays)."""
    try:
        result = action()
    except CountedRefusal:
        db.session.commit()
        raise
    except BaseException:
        _roll_back()
        raise
    db.session.commit()
    return result


def commit_or_show(form, action: Callable[[], T]) -> T | None:
    """Run one service call for a form view: commit and return its result, or
    roll back everything it started and show its DomainError on the form (None).

    Used where the service returns the object it created or changed."""
    try:
        return commit_or_raise(action)
    except DomainError as error:
        apply_to_form(form, error)
        return None


def commit_or_flash(action: Callable[[], object], success=None) -> bool:
    """Run one service call for a button (a form with no fields to mark):
    commit and flash `success`, or roll back everything it started and flash
    its DomainError. Returns whether it went through."""
    from flask import flash

    try:
        commit_or_raise(action)
    except DomainError as error:
        flash(error.message, "error")
        return False
    if success:
        flash(success, "success")
    return True


class Midway(Enum):
    """Every reason a request (or a service it calls) commits before its end."""

    BEFORE_STRIPE = "before_stripe"
    """Before a call to Stripe: what the call depends on (the attempt number
    that is its idempotency key, a refund's attempt count) must be stored
    first, so a call whose answer is lost is repeated under the same key; and
    no row lock is held while Stripe answers (seconds, or a timeout)."""

    AFTER_STRIPE = "after_stripe"
    """Stripe's answer (a Checkout Session, a refund's state) is stored at
    once: Stripe has acted, and a later failure in the request must not lose
    the record of it."""

    BEFORE_GET_WRITE = "before_get_write"
    """A download link (a GET) that records something (the export asked for,
    the audit entry of a download): the reading transaction ends first and the
    write begins with SQLite's write lock (see `shop.db_events.writes_next`);
    a deferred transaction that reads and then writes fails at once with
    "database is locked" if another request committed in between."""

    AUDITED_DOWNLOAD = "audited_download"
    """The audit entry of a download is committed before the file is sent:
    nothing is downloaded without its record."""


def commit_midway(why: Midway) -> None:
    """Commit now, in the middle of a request, for one of the `Midway` reasons."""
    db.session.commit()
    if why is Midway.BEFORE_GET_WRITE:
        from shop.db_events import writes_next

        writes_next()
