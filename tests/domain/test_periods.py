"""Period keys: what a period given as a date, month, quarter or week means for each KPI."""

from __future__ import annotations

from datetime import date

import pytest

from reviewtui.domain import periods
from reviewtui.domain.periods import PeriodError, normalise


@pytest.mark.parametrize(
    ("text", "frequency", "expected"),
    [
        ("2026-03", "monthly", "2026-03"),
        ("2026-03-15", "monthly", "2026-03"),
        ("Mar 2026", "monthly", "2026-03"),
        ("15 March 2026", "monthly", "2026-03"),
        (" 2026-03 ", "monthly", "2026-03"),
        ("2026-03", "quarterly", "2026-Q1"),
        ("2026-03-31", "quarterly", "2026-Q1"),
        ("2026-04-01", "quarterly", "2026-Q2"),
        ("2026-Q1", "quarterly", "2026-Q1"),
        ("2026-q4", "quarterly", "2026-Q4"),
        ("Mar 2026", "quarterly", "2026-Q1"),
        # A quarter for a monthly KPI, as at the quarter's end: its last month.
        ("2026-Q1", "monthly", "2026-03"),
        ("2026-Q4", "monthly", "2026-12"),
        # ISO weeks: 2026-01-01 is a Thursday, so it is in week 1 of 2026.
        ("2026-01-01", "weekly", "2026-W01"),
        ("2025-12-29", "weekly", "2026-W01"),
        ("2026-W09", "weekly", "2026-W09"),
        ("2026-w09", "weekly", "2026-W09"),
        ("2026-W53", "weekly", "2026-W53"),
        # A month for a weekly KPI: the week holding the month's last day (Tue 31 March).
        ("2026-03", "weekly", "2026-W14"),
        # A week for a monthly KPI: the month of its first day (Mon 23 Feb).
        ("2026-W09", "monthly", "2026-02"),
        ("2026-W09", "quarterly", "2026-Q1"),
    ],
)
def test_normalise(text: str, frequency: str, expected: str) -> None:
    assert normalise(text, frequency) == expected


@pytest.mark.parametrize(
    ("text", "frequency", "message"),
    [
        ("", "monthly", "empty period"),
        ("2026-13", "monthly", "'2026-13': the month must be 01-12"),
        ("2026-00", "quarterly", "'2026-00': the month must be 01-12"),
        ("2025-W53", "weekly", "'2025-W53': 2025 has no ISO week 53"),
        ("12", "monthly", "'12' is not a period or date"),
        ("soon", "monthly", "'soon' is not a period or date"),
        ("2026-02-30", "monthly", "'2026-02-30' is not a period or date"),
        ("2026-03", "daily", "unknown frequency 'daily'"),
    ],
)
def test_normalise_refuses(text: str, frequency: str, message: str) -> None:
    with pytest.raises(PeriodError) as err:
        normalise(text, frequency)
    assert str(err.value).startswith(message)


@pytest.mark.parametrize(
    ("text", "frequency", "message"),
    [
        ("2026-Q1", "monthly", "'2026-Q1' is a quarter but the KPI is monthly; give the month"),
        ("2026-03", "weekly", "'2026-03' is a month but the KPI is weekly; give the week"),
    ],
)
def test_a_longer_period_is_refused_when_recording_a_value(
    text: str, frequency: str, message: str
) -> None:
    with pytest.raises(PeriodError) as err:
        normalise(text, frequency, longer="refuse")
    assert str(err.value).startswith(message)
    # ... while a date or the KPI's own period is fine.
    assert normalise("2026-03-31", frequency, longer="refuse") == normalise("2026-03-31", frequency)


@pytest.mark.parametrize(
    ("period", "n", "expected"),
    [
        ("2026-01", -1, "2025-12"),
        ("2026-12", 1, "2027-01"),
        ("2026-03", -15, "2024-12"),
        ("2026-Q1", -1, "2025-Q4"),
        ("2026-Q4", 1, "2027-Q1"),
        ("2026-W01", -1, "2025-W52"),
        ("2026-W53", 1, "2027-W01"),
    ],
)
def test_shift(period: str, n: int, expected: str) -> None:
    assert periods.shift(period, n) == expected


def test_bounds_and_last_n() -> None:
    assert periods.start_of("2026-Q2") == date(2026, 4, 1)
    assert periods.end_of("2026-Q2") == date(2026, 6, 30)
    assert periods.end_of("2024-02") == date(2024, 2, 29)
    assert periods.last_n("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]


@pytest.mark.parametrize(
    ("text", "frequency", "expected"),
    [
        # One rule: the latest period of the KPI's frequency that ends by P's last day.
        ("2026-11", "monthly", "2026-11"),
        ("2026-11", "quarterly", "2026-Q3"),  # the fourth quarter has not ended on 30 Nov
        ("2026-12", "quarterly", "2026-Q4"),
        ("2026-Q1", "monthly", "2026-03"),
        ("2026-Q4", "monthly", "2026-12"),
        ("2026-Q1", "quarterly", "2026-Q1"),
        ("2026-03", "weekly", "2026-W13"),  # W14 (30 Mar - 5 Apr) ends in April
        ("2026-W09", "weekly", "2026-W09"),
        ("2026-W09", "monthly", "2026-02"),  # 23 Feb - 1 Mar: March had not ended
        ("Mar 2026", "monthly", "2026-03"),  # a month without a day is the month
        ("March 2026", "quarterly", "2026-Q1"),
        ("2026-03-31", "monthly", "2026-03"),  # a date is one day: March ends on it
        ("2026-03-30", "monthly", "2026-02"),
        ("2026-03-15", "weekly", "2026-W11"),  # a Sunday: its week has ended
        ("2026-03-14", "weekly", "2026-W10"),
        ("2026", "quarterly", "2026-Q4"),  # a year alone is the year
        (" 2026-q2 ", "monthly", "2026-06"),
    ],
)
def test_as_at(text: str, frequency: str, expected: str) -> None:
    assert periods.as_at(text, frequency) == expected
    # The rule itself: the period has ended by the last day, and the next one has not.
    last = periods.last_day(text)
    assert periods.end_of(expected) <= last < periods.end_of(periods.shift(expected, 1))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty period"),
        ("2026-13", "'2026-13': the month must be 01-12"),
        ("soon", "'soon' is not a period or date"),
        ("2026-02-30", "'2026-02-30' is not a period or date"),
    ],
)
def test_as_at_refuses(text: str, message: str) -> None:
    with pytest.raises(PeriodError) as err:
        periods.as_at(text, "monthly")
    assert str(err.value).startswith(message)
