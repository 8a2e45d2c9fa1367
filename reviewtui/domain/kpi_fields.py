"""Checking what people type or import for a KPI or a measurement, one field at a time.

Each parser takes the raw text (or a spreadsheet cell's value) and returns the clean value or
raises :class:`FieldError` naming the column and saying what is wrong, in words that say what to
do. The TUI forms and the importers use the same checks, so a value refused in one is refused in
the other with the same message.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from reviewtui.domain import enums, periods


class FieldError(ValueError):
    """A bad value in one column (field) of a row or form."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"{column}: {message}")
        self.column = column
        self.message = message


def blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def text(raw: Any, column: str, *, required: bool = False, max_length: int = 200) -> str:
    value = "" if raw is None else str(raw).strip()
    if required and not value:
        raise FieldError(column, "is empty")
    if len(value) > max_length:
        raise FieldError(column, f"is longer than {max_length} characters")
    return value


def number(raw: Any, column: str) -> float:
    """A finite number; spreadsheet numbers pass through, text like ``95.5`` is parsed."""
    if isinstance(raw, bool):
        raise FieldError(column, f"{raw!r} is not a number")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        s = "" if raw is None else str(raw).strip()
        if not s:
            raise FieldError(column, "is empty (a number is needed)")
        try:
            value = float(s)
        except ValueError:
            hint = " (use a dot for decimals)" if "," in s else ""
            raise FieldError(column, f"{s!r} is not a number{hint}") from None
    if not math.isfinite(value):
        raise FieldError(column, f"{raw!r} is not a finite number")
    return value


def optional_number(raw: Any, column: str) -> float | None:
    return None if blank(raw) else number(raw, column)


def choice(raw: Any, column: str, allowed: tuple[str, ...], default: str | None = None) -> str:
    if blank(raw):
        if default is None:
            raise FieldError(column, f"is empty (use {' or '.join(allowed)})")
        return default
    value = str(raw).strip().lower()
    if value not in allowed:
        raise FieldError(column, f"{str(raw).strip()!r} is not one of {', '.join(allowed)}")
    return value


def direction(raw: Any) -> str:
    return choice(raw, "direction", enums.DIRECTIONS)


def frequency(raw: Any) -> str:
    return choice(raw, "frequency", enums.FREQUENCIES, default="monthly")


def category(raw: Any) -> str:
    return choice(raw, "category", enums.KPI_CATEGORIES, default="service")


def source(raw: Any) -> str:
    return choice(raw, "source", enums.SOURCES, default="vendor")


def weight(raw: Any) -> float:
    if blank(raw):
        return 1.0
    w = number(raw, "weight")
    if w < 0:
        raise FieldError("weight", f"{w:g} is negative (0 leaves the KPI out of the score)")
    return w


def threshold(raw: Any, direction_: str, target: float) -> float | None:
    """The amber threshold: optional, and on the far side of the target."""
    t = optional_number(raw, "threshold")
    if t is None:
        return None
    if direction_ == "higher" and t > target:
        raise FieldError(
            "threshold",
            f"{t:g} is above the target {target:g}; for a higher-is-better KPI the amber "
            "threshold is at or below the target",
        )
    if direction_ == "lower" and t < target:
        raise FieldError(
            "threshold",
            f"{t:g} is below the target {target:g}; for a lower-is-better KPI the amber "
            "threshold is at or above the target",
        )
    return t


def period(raw: Any, frequency_: str) -> str:
    """The KPI's period meant by a cell: a period key, a date, or a spreadsheet date."""
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        return periods.period_of(raw, frequency_)
    s = "" if raw is None else str(raw).strip()
    if not s:
        raise FieldError("period", "is empty (examples: 2026-03, 2026-Q1, 2026-W09, 2026-03-15)")
    try:
        return periods.normalise(s, frequency_, longer="refuse")
    except periods.PeriodError as exc:
        raise FieldError("period", str(exc)) from None
