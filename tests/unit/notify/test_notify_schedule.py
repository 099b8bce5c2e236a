"""The retry schedule: 1 min, 5 min, 30 min, 2 h, 12 h, then give up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shop.notify.delivery import MAX_ATTEMPTS, next_attempt_at

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_waits_grow_after_each_failed_attempt():
    waits = [next_attempt_at(attempts, NOW) - NOW for attempts in range(1, MAX_ATTEMPTS)]
    assert waits == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=12),
    ]


def test_gives_up_after_the_last_attempt():
    assert MAX_ATTEMPTS == 6
    assert next_attempt_at(MAX_ATTEMPTS, NOW) is None
    assert next_attempt_at(MAX_ATTEMPTS + 1, NOW) is None
