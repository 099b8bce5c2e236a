"""What must happen when a database transaction ends: the Session listeners,
registered once by create_app, in the order they run."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from shop.core import cache
from shop.jobs import SESSION_HOOKS as JOB_HOOKS
from shop.media.ledger import SESSION_HOOKS as MEDIA_HOOKS

# After a commit: jobs are sent first, then the media files of the
# transaction are settled (kept or deleted), then the page cache is
# invalidated. After a rollback, each forgets what the transaction recorded.
HOOKS = (*JOB_HOOKS, *MEDIA_HOOKS, *cache.SESSION_HOOKS)


def install() -> None:
    """Listen on every Session (Flask-SQLAlchemy's and any other); calling it
    again, as every create_app does, adds nothing."""
    for name, listener in HOOKS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
