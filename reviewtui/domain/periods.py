"""KPI periods: calendar months ``YYYY-MM``, quarters ``YYYY-Qn`` and ISO weeks ``YYYY-Www``.

Period keys sort correctly as strings within one frequency, which lets SQL order and compare
them without parsing.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$", re.IGNORECASE)


_FIRST = datetime(2000, 1, 1)


class PeriodError(ValueError):
    """A period that cannot be understood."""


def period_of(d: date, frequency: str) -> str:
    """The key of the period of ``frequency`` that contains ``d``."""
    if frequency == "monthly":
        return f"{d.year:04d}-{d.month:02d}"
    if frequency == "quarterly":
        return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
    if frequency == "weekly":
        y, w, _ = d.isocalendar()
        return f"{y:04d}-W{w:02d}"
    raise PeriodError(f"unknown frequency {frequency!r} (use monthly, quarterly or weekly)")


def start_of(period: str) -> date:
    """The first day of a period key."""
    if m := _MONTH.match(period):
        return date(int(m[1]), int(m[2]), 1)
    if m := _QUARTER.match(period):
        return date(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1)
    if m := _WEEK.match(period):
        return date.fromisocalendar(int(m[1]), int(m[2]), 1)
    raise PeriodError(f"{period!r} is not a period (examples: 2026-03, 2026-Q1, 2026-W09)")


def end_of(period: str) -> date:
    """The last day of a period key."""
    return start_of(shift(period, 1)) - timedelta(days=1)


def frequency_of(period: str) -> str:
    """The frequency a period key belongs to."""
    if _MONTH.match(period):
        return "monthly"
    if _QUARTER.match(period):
        return "quarterly"
    if _WEEK.match(period):
        return "weekly"
    raise PeriodError(f"{period!r} is not a period (examples: 2026-03, 2026-Q1, 2026-W09)")


def shift(period: str, n: int) -> str:
    """The period ``n`` steps after (negative: before) ``period``, same frequency."""
    freq = frequency_of(period)
    start = start_of(period)
    if freq == "weekly":
        return period_of(start + timedelta(weeks=n), "weekly")
    months = 3 if freq == "quarterly" else 1
    total = start.year * 12 + (start.month - 1) + n * months
    return period_of(date(total // 12, total % 12 + 1, 1), freq)


def last_n(period: str, n: int) -> list[str]:
    """The ``n`` periods ending with ``period``, oldest first."""
    return [shift(period, -i) for i in range(n - 1, -1, -1)]


def normalise(text: str, frequency: str) -> str:
    """The period of ``frequency`` meant by ``text``: a period key, a date or a month.

    ``2026-03``, ``2026-03-15``, ``Mar 2026``, ``2026-Q1`` and ``2026-W09`` are all understood; a
    quarter given for a monthly KPI means the quarter's last month is not guessed: it is refused.
    """
    t = text.strip()
    if not t:
        raise PeriodError("empty period (examples: 2026-03, 2026-Q1, 2026-W09, 2026-03-15)")
    for rx in (_MONTH, _QUARTER, _WEEK):
        if rx.match(t):
            key = t.upper() if rx is not _MONTH else t
            if _MONTH.match(key) and not 1 <= int(key[5:7]) <= 12:
                raise PeriodError(f"{text!r}: month must be 01-12")
            given = frequency_of(key)
            if given == frequency:
                start_of(key)  # validates the week number
                return key
            if given == "quarterly" and frequency != "quarterly":
                raise PeriodError(
                    f"{text!r} is a quarter but the KPI is {frequency}; give a month or a date"
                )
            return period_of(start_of(key), frequency)
    try:
        from dateutil import parser

        d = parser.parse(t, default=_FIRST, dayfirst=False).date()
    except (ValueError, OverflowError) as exc:
        raise PeriodError(
            f"{text!r} is not a period or date (examples: 2026-03, 2026-Q1, 2026-W09, Mar 2026)"
        ) from exc
    return period_of(d, frequency)
