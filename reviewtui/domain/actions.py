"""Rules of corrective actions: due dates people type, spans, overdue.

Pure functions, no I/O. A due date is typed as an absolute date (``2026-12-15``, ``15 Dec 2026``,
``Dec 15``) or relative to today (``+3d``, ``+2w``, ``+1m``, ``+1y``); it may not fall before the
plan it belongs to was raised. Errors say what was wrong and give an example that would work.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from reviewtui.domain import enums
from reviewtui.domain import text as text_rules

_UNITS = {
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "wk": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "m": "months",
    "mo": "months",
    "month": "months",
    "months": "months",
    "y": "years",
    "year": "years",
    "years": "years",
}
_RELATIVE = re.compile(r"^\+?\s*(\d{1,4})\s*([a-z]+)$")
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_NUMBER = re.compile(r"^\d{1,3}$")
_WORDS = {"today": 0, "tomorrow": 1}


class DueDateError(ValueError):
    """A due date or span that cannot be used; the message says why and gives an example."""


def _examples(base: date) -> str:
    return f"e.g. +2w, +1m or {(base + relativedelta(weeks=2)).isoformat()}"


def parse_span(text: str) -> relativedelta:
    """A span such as ``7d``, ``+2w``, ``1m`` (a leading ``+`` is optional)."""
    t = text.strip().lower()
    m = _RELATIVE.match(t)
    if not m or m[2] not in _UNITS:
        raise DueDateError(
            f"{text!r} is not a span: write a number and d, w, m or y (e.g. 7d, 2w, 1m)"
        )
    # One keyword (days, weeks, months or years): Any, as the stubs type each one apart.
    amount: dict[str, Any] = {_UNITS[m[2]]: int(m[1])}
    return relativedelta(**amount)


def span_days(text: str, today: date) -> int:
    """The number of days a span covers from ``today`` (``1m`` from 31 Jan is 28 or 29)."""
    return ((today + parse_span(text)) - today).days


def parse_due(
    text: str,
    *,
    today: date,
    not_before: date | None = None,
    not_before_is: str = "the plan was raised",
) -> date:
    """The date meant by ``text``, relative spans counted from ``today``.

    Refused (``DueDateError``) when it cannot be read, when a slashed date is ambiguous
    (``03/04/2026``: 3 April or 4 March?) or when it falls before ``not_before`` (the day the
    plan was raised; ``not_before_is`` names that day in the message).
    """
    t = text.strip()
    if not t:
        raise DueDateError(f"a due date is needed ({_examples(today)})")
    low = t.lower()
    try:
        if low in _WORDS:
            due = today + relativedelta(days=_WORDS[low])
        elif (rel := _RELATIVE.match(low)) and rel[2] in _UNITS:
            due = today + parse_span(low)
        else:
            due = _absolute(t, today)
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, DueDateError):
            raise
        raise DueDateError(
            f"due date {t!r} is outside {text_rules.FIRST_YEAR}-{text_rules.LAST_YEAR}"
        ) from None
    if (wrong := text_rules.date_problem(due)) is not None:
        raise DueDateError(f"due date {wrong}")
    if not_before is not None and due < not_before:
        raise DueDateError(
            f"due date {due.isoformat()} is before {not_before_is} "
            f"({not_before.isoformat()}); give a later date ({_examples(max(today, not_before))})"
        )
    return due


def _absolute(text: str, today: date) -> date:
    from datetime import datetime

    from dateutil import parser

    if y := _YEAR_FIRST.match(text):
        try:
            return date(int(y[1]), int(y[2]), int(y[3]))
        except ValueError as exc:
            raise DueDateError(f"{text!r} is not a date: {exc} ({_examples(today)})") from exc
    if _NUMBER.match(text):
        raise DueDateError(
            f"{text!r} alone is not a date: for {text} days from today write +{text}d "
            f"({_examples(today)})"
        )
    m = _SLASHED.match(text)
    if m and int(m[1]) <= 12 and int(m[2]) <= 12 and m[1].lstrip("0") != m[2].lstrip("0"):
        raise DueDateError(
            f"{text!r} is ambiguous (day/month or month/day?); write it as YYYY-MM-DD "
            f"({_examples(today)})"
        )
    try:
        # Missing parts (a year, a day) are taken from today: "Dec 15" is this year's.
        default = datetime(today.year, today.month, today.day)
        return parser.parse(text, default=default).date()
    except (ValueError, OverflowError) as exc:
        raise DueDateError(f"{text!r} is not a date ({_examples(today)})") from exc


def is_open(status: str) -> bool:
    """Whether an action still needs doing (open or in progress)."""
    return status in enums.OPEN_ACTION_STATUSES


def days_overdue(due: date, status: str, today: date) -> int:
    """Days past the due date for an open action (0 when not overdue or when closed)."""
    if not is_open(status):
        return 0
    return max((today - due).days, 0)


def is_overdue(due: date, status: str, today: date) -> bool:
    """An open action whose due date has passed (due today is not yet overdue)."""
    return days_overdue(due, status, today) > 0


def check_status(status: str) -> str:
    """The status if it is one of the action statuses, else ``ValueError`` listing them."""
    s = status.strip().lower().replace(" ", "_").replace("-", "_")
    if s not in enums.ACTION_STATUSES:
        raise ValueError(f"status {status!r}: use one of {', '.join(enums.ACTION_STATUSES)}")
    return s


def check_priority(priority: str) -> str:
    p = priority.strip().lower()
    if p not in enums.PRIORITIES:
        raise ValueError(f"priority {priority!r}: use one of {', '.join(enums.PRIORITIES)}")
    return p
