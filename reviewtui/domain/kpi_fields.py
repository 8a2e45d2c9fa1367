"""Checking what people type or import for a KPI or a measurement, one field at a time.

Each parser takes the raw text (or a spreadsheet cell's value) and returns the clean value or
raises :class:`FieldError` naming the column and saying what is wrong, in words that say what to
do. The TUI forms and the importers use the same checks, so a value refused in one is refused in
the other with the same message.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from reviewtui.domain import enums, periods
from reviewtui.domain import text as text_rules
from reviewtui.domain.figures import figure


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
    problem = (
        text_rules.block_problem(value) if column == "note" else text_rules.line_problem(value)
    )
    if problem is not None:
        raise FieldError(column, problem)
    return value


_THOUSANDS_DOT = re.compile(r"^[-+]?\d{1,3}(\.\d{3})+(,\d+)?$")
_THOUSANDS_COMMA = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")


def number(raw: Any, column: str, *, decimal: str | None = None, percent: bool = False) -> float:
    """A finite number; spreadsheet numbers pass through, text like ``95.5`` is parsed.

    ``decimal``: ``"comma"`` or ``"dot"`` forces the decimal separator; None takes ``94,1`` as
    94.1 and ``94.1`` alike, and asks about ``1,234`` (a thousands separator, or a decimal
    comma?). A thousands separator is refused with a hint of its own. ``percent``: the KPI's
    unit is %, so ``95%`` means 95.
    """
    if isinstance(raw, bool):
        raise FieldError(column, f"{raw!r} is not a number")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        s = "" if raw is None else str(raw).strip()
        if not s:
            raise FieldError(column, "is empty (a number is needed)")
        value = _parse_number(s, column, decimal=decimal, percent=percent)
    if not math.isfinite(value):
        raise FieldError(column, f"{raw!r} is not a finite number")
    return value


def _parse_number(s: str, column: str, *, decimal: str | None, percent: bool) -> float:
    text = s.replace("\u00a0", " ").strip()
    if text.endswith("%"):
        if not percent:
            raise FieldError(column, f"{s!r}: a % sign, but the KPI's unit is not %")
        text = text[:-1].strip()
    if " " in text or "'" in text or "\u202f" in text:
        raise FieldError(
            column, f"{s!r} has a thousands separator: write the number without it (1234.5)"
        )
    has_comma, has_dot = "," in text, "." in text
    if has_comma and has_dot:
        raise FieldError(
            column,
            f"{s!r} has a thousands separator: write the number without it (1234.5, or 1234,5 "
            "with --decimal comma)",
        )
    if has_comma:
        if decimal == "dot":
            raise FieldError(
                column,
                f"{s!r} has a comma but --decimal dot was given (a thousands separator? "
                "write the number without it)",
            )
        if decimal is None and _THOUSANDS_COMMA.match(text):
            raise FieldError(
                column,
                f"{s!r} is ambiguous: a thousands separator or a decimal comma? Write it "
                "without a thousands separator, or give --decimal comma",
            )
        if text.count(",") > 1:
            raise FieldError(column, f"{s!r} has a thousands separator: write it without it")
        text = text.replace(",", ".")
    elif has_dot and decimal == "comma":
        if _THOUSANDS_DOT.match(text):
            raise FieldError(
                column, f"{s!r} has a thousands separator: write the number without it"
            )
        raise FieldError(column, f"{s!r} has a dot but --decimal comma was given")
    try:
        return float(text)
    except ValueError:
        raise FieldError(column, f"{s!r} is not a number") from None


def optional_number(raw: Any, column: str, **how: Any) -> float | None:
    return None if blank(raw) else number(raw, column, **how)


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


def weight(raw: Any, *, decimal: str | None = None) -> float:
    if blank(raw):
        return 1.0
    w = number(raw, "weight", decimal=decimal)
    if w < 0:
        raise FieldError("weight", f"{figure(w)} is negative (0 leaves the KPI out of the score)")
    return w


def threshold(raw: Any, direction_: str, target: float, **how: Any) -> float | None:
    """The amber threshold: optional, and on the far side of the target."""
    t = optional_number(raw, "threshold", **how)
    if t is None:
        return None
    if direction_ == "higher" and t > target:
        raise FieldError(
            "threshold",
            f"{figure(t)} is above the target {figure(target)}; for a higher-is-better KPI the amber "
            "threshold is at or below the target",
        )
    if direction_ == "lower" and t < target:
        raise FieldError(
            "threshold",
            f"{figure(t)} is below the target {figure(target)}; for a lower-is-better KPI the amber "
            "threshold is at or above the target",
        )
    return t


def period(raw: Any, frequency_: str) -> str:
    """The KPI's period meant by a cell: a period key, a date, or a spreadsheet date."""
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        return periods.period_of(raw, frequency_)
    if (
        isinstance(raw, int | float)
        and not isinstance(raw, bool)
        and EXCEL_SERIALS[0] <= raw <= EXCEL_SERIALS[1]
    ):
        return periods.period_of(excel_date(raw), frequency_)
    s = "" if raw is None else str(raw).strip()
    if not s:
        raise FieldError("period", "is empty (examples: 2026-03, 2026-Q1, 2026-W09, 2026-03-15)")
    if s.isdigit() and EXCEL_SERIALS[0] <= int(s) <= EXCEL_SERIALS[1]:
        return periods.period_of(excel_date(int(s)), frequency_)
    s = vendor_period(s)
    try:
        return periods.normalise(s, frequency_, longer="refuse")
    except periods.PeriodError as exc:
        raise FieldError("period", str(exc)) from None


# Excel's day numbers for 1954-10-03 .. 2119-01-05: a bare number there in a period column is a
# date cell saved as its number (CSV exports of spreadsheets do that).
EXCEL_SERIALS = (20_000, 80_000)
_QUARTER_WORDS = re.compile(r"^(?:q([1-4])[\s/-]*(\d{4})|(\d{4})[\s/-]*q([1-4]))$", re.I)
_MONTH_YEAR = re.compile(r"^([a-z]{3,9})\.?[\s/-]+(\d{2}|\d{4})$", re.I)
_MONTH_NAMES = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january", "jän", "janv"),
            ("feb", "february", "febr", "fév", "fev"),
            ("mar", "march", "mär", "mrz"),
            ("apr", "april", "avr"),
            ("may", "mai", "mei"),
            ("jun", "june", "juni", "juin"),
            ("jul", "july", "juli", "juil"),
            ("aug", "august", "aoû", "aout"),
            ("sep", "sept", "september"),
            ("oct", "october", "okt", "oktober"),
            ("nov", "november"),
            ("dec", "december", "dez", "dezember", "déc"),
        ],
        start=1,
    )
    for m in names
}


def excel_date(serial: float) -> date:
    """The date an Excel day number stands for (1900 date system)."""
    from datetime import timedelta

    return date(1899, 12, 30) + timedelta(days=int(serial))


def vendor_period(text: str) -> str:
    """Periods as vendors write them, in the form :func:`periods.normalise` reads:
    ``Q1 2026``/``2026 Q1`` -> ``2026-Q1``; ``Jan-26``/``Jan 26``/``January 2026`` -> ``2026-01``
    (a two-digit number after a month name is a year: these are monthly reports)."""
    t = " ".join(text.split())
    if q := _QUARTER_WORDS.match(t):
        quarter, year = (q[1], q[2]) if q[1] else (q[4], q[3])
        return f"{year}-Q{quarter}"
    if my := _MONTH_YEAR.match(t):
        month = _MONTH_NAMES.get(my[1].casefold())
        if month is not None:
            year = int(my[2]) + (2000 if len(my[2]) == 2 else 0)
            return f"{year}-{month:02d}"
    return text
