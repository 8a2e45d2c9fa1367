"""Reading "since when" as people write it: a date, a date and time, or an age like ``7d``."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

_AGE = re.compile(r"^(\d+)\s*(m|min|h|d|w)$", re.IGNORECASE)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}

HINT = (
    "use a date (2026-11-01), a date and time (2026-11-01T09:00), an age (90m, 12h, 7d, 2w), "
    "today or yesterday"
)


def parse_since(text: str, now: datetime) -> datetime:
    """The aware instant ``text`` means, relative to ``now`` (aware, in the user's zone).

    Dates mean the start of that day in ``now``'s time zone; a date and time without an offset
    is in that zone too. Raises ValueError saying what is accepted.
    """
    raw = text.strip()
    low = raw.lower()
    zone = now.tzinfo
    if low in ("today", "yesterday"):
        day = now.date() - timedelta(days=1 if low == "yesterday" else 0)
        return datetime.combine(day, time(), tzinfo=zone)
    if m := _AGE.match(raw):
        return now - timedelta(**{_UNITS[m[2].lower()]: int(m[1])})
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{text!r}: {HINT}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed
