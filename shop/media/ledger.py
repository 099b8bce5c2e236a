"""The files a database transaction wrote or doomed, settled when it ends.

Files written or doomed in a session's transaction are kept on session.info
and settled when the transaction ends: on the outermost commit the doomed
files are deleted (their rows are gone) and the written ones are kept (their
rows committed); on a rollback the files written in it are deleted and the
doomed ones kept. Each entry remembers the innermost transaction (savepoint)
it happened in, so rolling back a savepoint settles only its own files.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, SessionTransaction

from shop.db import within
from shop.media.storage import Storage

log = logging.getLogger(__name__)

_LEDGER = "shop.media.files"
Entry = tuple[SessionTransaction, Storage, str]


@dataclass
class _Ledger:
    created: list[Entry] = field(default_factory=list)
    doomed: list[Entry] = field(default_factory=list)

    def committed(self) -> None:
        """The outermost transaction committed: created files are owned by
        committed rows now, and doomed files belong to rows that are gone."""
        for _tx, storage, path in self.doomed:
            _delete_quietly(storage, path)
        self.created.clear()
        self.doomed.clear()

    def rolled_back(self, transaction: SessionTransaction) -> None:
        """`transaction` ended without committing: delete the files created in
        it (or in its savepoints) and keep the files it meant to delete."""
        undone = [entry for entry in self.created if within(entry[0], transaction)]
        for _tx, storage, path in undone:
            _delete_quietly(storage, path)
        self.created = [entry for entry in self.created if entry not in undone]
        self.doomed = [entry for entry in self.doomed if not within(entry[0], transaction)]


def file_created(session: Session, storage: Storage, path: str) -> None:
    """A file written for a row flushed in the current transaction: deleted
    if that transaction (or savepoint) does not commit."""
    _ledger(session).created.append((_current_transaction(session), storage, path))


def file_doomed(session: Session, storage: Storage, path: str) -> None:
    """A file of a row deleted in the current transaction: deleted once the
    outermost transaction commits, kept if it rolls back."""
    _ledger(session).doomed.append((_current_transaction(session), storage, path))


def _ledger(session: Session) -> _Ledger:
    return session.info.setdefault(_LEDGER, _Ledger())


def _current_transaction(session: Session) -> SessionTransaction:
    transaction = session.get_nested_transaction() or session.get_transaction()
    assert transaction is not None, "called after a flush, so a transaction exists"
    return transaction


def _delete_quietly(storage: Storage, path: str) -> None:
    # Runs inside SQLAlchemy's transaction hooks: an error here must not hide
    # the one that caused a rollback. A file left behind is swept later.
    try:
        storage.delete(path)
    except OSError:
        log.warning("could not delete media file %s", path, exc_info=True)


def _after_commit(session: Session) -> None:
    ledger = session.info.get(_LEDGER)
    # A released savepoint also fires after_commit; only the outermost commit settles.
    if ledger is not None and session.get_nested_transaction() is None:
        ledger.committed()


def _after_soft_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    ledger = session.info.get(_LEDGER)
    if ledger is not None:
        ledger.rolled_back(previous_transaction)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ending with entries left means it never
    # committed: rolled back, or closed (Flask-SQLAlchemy's teardown after an
    # exception in a view calls close(), which fires no rollback event).
    ledger = session.info.get(_LEDGER)
    if ledger is not None and transaction.parent is None:
        ledger.rolled_back(transaction)


# Registered on the Session by shop.session_hooks.install (create_app).
SESSION_HOOKS = (
    ("after_commit", _after_commit),
    ("after_soft_rollback", _after_soft_rollback),
    ("after_transaction_end", _after_transaction_end),
)
