"""The one clock of reviewtui.

Every "now" and "today" comes from here so that tests, snapshots and demo data can freeze time:
set ``REVIEWTUI_NOW`` to an ISO timestamp (``2026-11-28T10:00:00+00:00``) and the whole program
lives at that instant. Datetimes are timezone-aware; the database stores them in UTC and screens
show them in the local zone.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def now() -> datetime:
    """The current instant, aware (UTC unless REVIEWTUI_NOW says otherwise)."""
    frozen = os.environ.get("REVIEWTUI_NOW")
    if frozen:
        dt = datetime.fromisoformat(frozen)
        return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    return datetime.now(UTC)


def local_now() -> datetime:
    """The current instant in the machine's local time zone."""
    return now().astimezone()


def today() -> date:
    """Today's date in the local time zone."""
    return local_now().date()


def aware(dt: datetime) -> datetime:
    """Treat a naive datetime as local time and make it aware."""
    return dt if dt.tzinfo else dt.astimezone()
