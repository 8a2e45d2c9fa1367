"""KPI periods: calendar months ``YYYY-MM``, quarters ``YYYY-Qn`` and ISO weeks ``YYYY-Www``.

Period keys sort correctly as strings within one frequency, which lets SQL order and compare
them without parsing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
        if not 1 <= int(m[2]) <= 12:
            raise PeriodError(f"{period!r}: the month must be 01-12")
        return date(int(m[1]), int(m[2]), 1)
    if m := _QUARTER.match(period):
        return date(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1)
    if m := _WEEK.match(period):
        try:
            return date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            raise PeriodError(f"{period!r}: {m[1]} has no ISO week {m[2]}") from None
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


def previous(period: str) -> str:
    """The period just before ``period`` (a fast path of ``shift(period, -1)``)."""
    if len(period) == 7 and period[4] == "-":
        if period[5] == "Q":
            y, q = int(period[:4]), int(period[6])
            return f"{y - 1:04d}-Q4" if q == 1 else f"{y:04d}-Q{q - 1}"
        if period[5].isdigit():
            y, mo = int(period[:4]), int(period[5:7])
            return f"{y - 1:04d}-12" if mo == 1 else f"{y:04d}-{mo - 1:02d}"
    return shift(period, -1)


def _is_quarter(period: str) -> bool:
    return period[5:6] == "Q"


def _is_week(period: str) -> bool:
    return period[5:6] == "W"


def _is_month(period: str) -> bool:
    return period[5:6].isdigit()


def matcher(frequency: str) -> Callable[[str], bool]:
    """A test of whether a stored period key (``YYYY-MM``, ``YYYY-Qn``, ``YYYY-Www``) is of
    ``frequency``: one function per frequency, for loops over many keys."""
    if frequency == "quarterly":
        return _is_quarter
    if frequency == "weekly":
        return _is_week
    return _is_month


def last_n(period: str, n: int) -> list[str]:
    """The ``n`` periods ending with ``period``, oldest first."""
    return [shift(period, -i) for i in range(n - 1, -1, -1)]


_RANK = {"weekly": 0, "monthly": 1, "quarterly": 2}
_YEAR = re.compile(r"\b\d{4}\b")


def normalise(text: str, frequency: str, *, longer: str = "end") -> str:
    """The period of ``frequency`` meant by ``text``: a period key, a date or a month.

    ``2026-03``, ``2026-03-15``, ``Mar 2026``, ``2026-Q1`` and ``2026-W09`` are all understood and
    mean the KPI's period that contains them. A period longer than the KPI's own (a quarter for a
    monthly KPI, a month for a weekly one) contains several of the KPI's periods: with
    ``longer="end"`` (looking at a scorecard "as at" Q1) it means the last of them, the one that
    contains the longer period's last day; with ``longer="refuse"`` (a value being recorded) it
    is an error, because a value for a quarter is not a value for one of its months. A shorter
    period (a week for a monthly KPI) means the KPI's period containing its first day.
    """
    if frequency not in _RANK:
        raise PeriodError(f"unknown frequency {frequency!r} (use monthly, quarterly or weekly)")
    t = text.strip()
    if not t:
        raise PeriodError("empty period (examples: 2026-03, 2026-Q1, 2026-W09, 2026-03-15)")
    for rx in (_MONTH, _QUARTER, _WEEK):
        if rx.match(t):
            key = t.upper()
            given = frequency_of(key)
            start_of(key)  # validates the month or week number
            if given == frequency:
                return key
            if _RANK[given] > _RANK[frequency]:
                if longer == "refuse":
                    what = "a quarter" if given == "quarterly" else "a month"
                    raise PeriodError(
                        f"{text!r} is {what} but the KPI is {frequency}; "
                        f"give the {_UNIT[frequency]} or a date in it"
                    )
                return period_of(end_of(key), frequency)
            return period_of(start_of(key), frequency)
    if not _YEAR.search(t):
        raise PeriodError(
            f"{text!r} is not a period or date (examples: 2026-03, 2026-Q1, 2026-W09, Mar 2026)"
        )
    try:
        from dateutil import parser

        d = parser.parse(t, default=_FIRST, dayfirst=False).date()
    except (ValueError, OverflowError) as exc:
        raise PeriodError(
            f"{text!r} is not a period or date (examples: 2026-03, 2026-Q1, 2026-W09, Mar 2026)"
        ) from exc
    return period_of(d, frequency)


def as_at(text: str, frequency: str) -> str:
    """The period of ``frequency`` a scorecard "as at" ``text`` shows: the latest one that ends
    on or before the last day of the period ``text`` names.

    A monthly KPI as at ``2026-11`` is at ``2026-11``; a quarterly one at ``2026-Q3`` (the fourth
    quarter has not ended on 30 November), and at ``2026-Q4`` as at ``2026-12``; a monthly KPI
    as at ``2026-Q1`` is at ``2026-03``; a weekly one as at ``2026-03`` at the last week that
    ends in March or before. A date is a period of one day (``2026-03-15``: a monthly KPI is at
    ``2026-02``); a month written without a day (``Mar 2026``) is the month.
    """
    if frequency not in _RANK:
        raise PeriodError(f"unknown frequency {frequency!r} (use monthly, quarterly or weekly)")
    last = last_day(text)
    key = period_of(last, frequency)
    return key if end_of(key) <= last else previous(key)


def last_day(text: str) -> date:
    """The last day of the period or day ``text`` names (a key, a month, a date)."""
    t = text.strip()
    if not t:
        raise PeriodError("empty period (examples: 2026-03, 2026-Q1, 2026-W09, 2026-03-15)")
    for rx in (_MONTH, _QUARTER, _WEEK):
        if rx.match(t):
            return end_of(t.upper())
    if not _YEAR.search(t):
        raise PeriodError(
            f"{text!r} is not a period or date (examples: 2026-03, 2026-Q1, 2026-W09, Mar 2026)"
        )
    try:
        from dateutil import parser

        d = parser.parse(t, default=_FIRST, dayfirst=False).date()
        # Parsed again with another default month and day: a text that names no day
        # ("Mar 2026") or no month ("2026") comes out differently, and means the whole month
        # or year.
        other = parser.parse(t, default=datetime(2000, 12, 28), dayfirst=False).date()
    except (ValueError, OverflowError) as exc:
        raise PeriodError(
            f"{text!r} is not a period or date (examples: 2026-03, 2026-Q1, 2026-W09, Mar 2026)"
        ) from exc
    if d.month != other.month:
        return date(d.year, 12, 31)
    if d != other:
        return end_of(period_of(d, "monthly"))
    return d


_UNIT = {"weekly": "week (2026-W09)", "monthly": "month (2026-03)", "quarterly": "quarter"}
