"""How every view writes a measured value, so the meeting, the scorecard, the agenda, the minutes
and the mail say the same number the same way.

``96.3%``, ``1,240 PPM``, ``1,234,567 EUR``: a thousands comma, at most two decimals, no trailing
zeros, never exponent notation (``:g`` wrote 1,234,567 as ``1.23457e+06``) and never ``-0``.
"""

from __future__ import annotations

NONE = "—"


def figure(value: float | int | None, unit: str = "", *, with_unit: bool = True) -> str:
    """A value with its unit; ``—`` if there is none. ``with_unit=False`` keeps only ``%``: the
    narrow columns of the terminal tables, whose KPI history names the unit."""
    if value is None:
        return NONE
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if unit == "%":
        return text + "%"
    return f"{text} {unit}".strip() if with_unit else text


def short(value: float | int | None, unit: str = "") -> str:
    """:func:`figure` for a narrow column of a terminal table: ``96.3%``, ``1,240``, ``—``."""
    return figure(value, unit, with_unit=False)


def exact(value: float | int | None) -> str:
    """A number as a form shows it for editing: every digit kept, so saving an untouched form
    stores the same value (``:g`` showed 1,234,567 as ``1.23457e+06``, saved back as 1,234,570);
    ``97`` not ``97.0``; empty when there is none."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)
