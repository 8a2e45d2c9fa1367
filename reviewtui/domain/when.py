"""Reading the dates and times people type: ``2026-12-03 10:00``, ``3 Dec 10:00``, ``+7d 14:00``.

Parsing is python-dateutil's, with the guard rails a meeting planner needs: a numeric date whose
day and month could be swapped (``03/04``) is refused rather than guessed, a meeting needs a time,
and a date typed without a year means the next such date from today. Every refusal says what
would work. Results are aware datetimes in the local time zone (dates for due dates).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from reviewtui.domain import clock
from reviewtui.domain import text as text_rules

WHEN_EXAMPLES = "2026-12-03 10:00, 3 Dec 10:00 or +7d 14:00"
DUE_EXAMPLES = "+7d, +2w, 2026-12-10 or 10 Dec"


class WhenError(ValueError):
    """A date or time that cannot be read, or could be read two ways."""


_REL = re.compile(r"^\+\s*(\d{1,3})\s*([dwm])$", re.IGNORECASE)
_TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")
_ISO = re.compile(r"\b\d{4}[-/]\d{1,2}[-/]\d{1,2}\b")
_MONTHS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
# Two defaults that differ in every field: a field that comes out different was not typed.
_D1 = datetime(2004, 1, 1, 0, 0)
_D2 = datetime(2008, 2, 2, 1, 1)


def _relative_date(word: str, today: date) -> date | None:
    word = word.strip().lower()
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    m = _REL.match(word)
    if not m:
        return None
    n, unit = int(m[1]), m[2].lower()
    if unit == "d":
        return today + timedelta(days=n)
    if unit == "w":
        return today + timedelta(weeks=n)
    return today + relativedelta(months=n)


def _split_time(text: str) -> tuple[str, time | None]:
    """Take an ``HH:MM`` time out of ``text``; refuse impossible times."""
    found = list(_TIME.finditer(text))
    if not found:
        return text, None
    if len(found) > 1:
        raise WhenError(f"{text!r} has two times; give one, e.g. {WHEN_EXAMPLES}")
    m = found[0]
    hh, mm = int(m[1]), int(m[2])
    if hh > 23 or mm > 59:
        raise WhenError(f"{m[0]!r} is not a time of day (use 24-hour HH:MM, e.g. 14:30)")
    before = text[: m.start()]
    if before.endswith("T") and before[-2:-1].isdigit():  # ISO 8601: 2026-12-03T10:00
        before = before[:-1]
    rest = (before + " " + text[m.end() :]).strip()
    return rest, time(hh, mm)


def _parse_date(text: str, today: date, what: str, examples: str) -> date:
    """A calendar date from ``text`` (no time in it), refusing ambiguous numeric forms."""
    from dateutil import parser

    try:
        rel = _relative_date(text, today)
    except (OverflowError, ValueError):
        raise WhenError(
            f"{what} {text!r} is outside {text_rules.FIRST_YEAR}-{text_rules.LAST_YEAR}"
        ) from None
    if rel is not None:
        if (wrong := text_rules.date_problem(rel)) is not None:
            raise WhenError(f"{what} {wrong}; e.g. {examples}")
        return rel
    lower = text.lower()
    if lower.startswith("+") or lower.startswith("-"):
        raise WhenError(f"{what} {text!r}: a relative date is +Nd, +Nw or +Nm; e.g. {examples}")
    has_month_name = any(name in lower for name in _MONTHS)
    iso = _ISO.search(text) is not None
    dayfirst = not iso
    if not has_month_name and not iso:
        nums = [int(n) for n in re.findall(r"\d+", text)]
        if len(nums) >= 2:
            a, b = nums[0], nums[1]
            if a <= 12 and b <= 12 and a != b:
                raise WhenError(
                    f"{what} {text!r} is ambiguous ({a} {_MONTHS[b - 1].title()} or "
                    f"{b} {_MONTHS[a - 1].title()}?); write the month as a word or use "
                    f"year-month-day, e.g. {examples}"
                )
            dayfirst = a > 12 or a == b
    try:
        p1 = parser.parse(text, default=_D1, dayfirst=dayfirst, yearfirst=iso)
        p2 = parser.parse(text, default=_D2, dayfirst=dayfirst, yearfirst=iso)
    except (ValueError, OverflowError) as exc:
        raise WhenError(f"cannot read {text!r} as a date; e.g. {examples}") from exc
    if p1.tzinfo is not None or p2.tzinfo is not None:
        raise WhenError(f"{what} {text!r}: leave out the time zone (local time is used)")
    if p1.month != p2.month or p1.day != p2.day:
        raise WhenError(f"{what} {text!r} needs a day and a month; e.g. {examples}")
    if (p1.hour, p1.minute) == (p2.hour, p2.minute):
        # A time slipped through in a form we do not take (10am, 10h): be explicit instead.
        raise WhenError(f"{what} {text!r}: write the time as 24-hour HH:MM, e.g. {examples}")
    if p1.year == p2.year:
        if (wrong := text_rules.date_problem(p1.date())) is not None:
            raise WhenError(f"{what} {wrong}; e.g. {examples}")
        return date(p1.year, p1.month, p1.day)
    # No year typed: the next such date from today (29 Feb: the next leap year's).
    for year in range(today.year, today.year + 9):
        try:
            d = date(year, p1.month, p1.day)
        except ValueError:
            continue
        if d >= today:
            return d
    raise WhenError(f"{what} {text!r} is not a date; e.g. {examples}")  # pragma: no cover


def parse_when(text: str, *, now: datetime | None = None) -> datetime:
    """A meeting's date and time, aware, in the local zone. Raises WhenError with an example."""
    raw = " ".join(text.split())
    if not raw:
        raise WhenError(f"give a date and time, e.g. {WHEN_EXAMPLES}")
    local_now = (now or clock.now()).astimezone()
    rest, at = _split_time(raw)
    if at is None:
        raise WhenError(f"{raw!r} needs a time (24-hour HH:MM); e.g. {WHEN_EXAMPLES}")
    if not rest:
        raise WhenError(f"{raw!r} needs a date as well as the time; e.g. {WHEN_EXAMPLES}")
    day = _parse_date(rest, local_now.date(), "date", WHEN_EXAMPLES)
    return clock.aware(datetime.combine(day, at))


def parse_due(text: str, *, today: date | None = None) -> date:
    """A due date: ``+7d``, ``+2w``, ``+1m``, ``today``, ``2026-12-10``, ``10 Dec``."""
    raw = " ".join(text.split())
    if not raw:
        raise WhenError(f"give a due date, e.g. {DUE_EXAMPLES}")
    rest, at = _split_time(raw)
    if at is not None:
        raise WhenError(f"due date {raw!r}: give a date without a time, e.g. {DUE_EXAMPLES}")
    return _parse_date(rest, today or clock.today(), "due date", DUE_EXAMPLES)
