"""Calendar days in Jakarta (WIB) and the UTC instants they start at.

The database keeps UTC; days, months and date ranges people pick are
Jakarta's, so an order at 20:00 UTC on 31 January falls on 1 February.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from shop.db import utcnow

JAKARTA = ZoneInfo("Asia/Jakarta")


def jakarta_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(JAKARTA).date()


def midnight_utc(day: date) -> datetime:
    """Midnight in Jakarta at the start of `day`, as a UTC instant."""
    return datetime(day.year, day.month, day.day, tzinfo=JAKARTA).astimezone(UTC)


def parse_day(text: str | None) -> date | None:
    """A date typed in a form or a query string (YYYY-MM-DD) from 2000 to 2099,
    or None: nothing on the platform is older, and a year like 9999 would
    overflow the arithmetic that turns days into UTC ranges."""
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2099 else None
