"""Due dates people type, spans, overdue: table-driven, the clock frozen at 2026-11-28."""

from __future__ import annotations

from datetime import date

import pytest

from reviewtui.domain import actions as rules
from reviewtui.domain import clock

TODAY = date(2026, 11, 28)  # the frozen clock of tests/conftest.py
RAISED = date(2026, 11, 20)


def test_the_clock_is_frozen_where_these_tests_assume() -> None:
    assert clock.today() == TODAY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+3d", date(2026, 12, 1)),
        ("+2w", date(2026, 12, 12)),
        ("+1m", date(2026, 12, 28)),
        ("+1y", date(2027, 11, 28)),
        ("3d", date(2026, 12, 1)),
        ("+10 days", date(2026, 12, 8)),
        ("+ 2 weeks", date(2026, 12, 12)),
        ("+3M", date(2027, 2, 28)),
        ("today", TODAY),
        ("Tomorrow", date(2026, 11, 29)),
        ("2026-12-15", date(2026, 12, 15)),
        ("2026/12/05", date(2026, 12, 5)),  # year first: never read as 12 May
        ("15 Dec 2026", date(2026, 12, 15)),
        ("Dec 15", date(2026, 12, 15)),  # the year is this year's
        ("December 1, 2026", date(2026, 12, 1)),
        ("15/12/2026", date(2026, 12, 15)),  # day > 12: unambiguous
        ("12/15/2026", date(2026, 12, 15)),
        ("05/05/2027", date(2027, 5, 5)),  # same either way
        (" 2026-12-15 ", date(2026, 12, 15)),
    ],
)
def test_due_dates_are_understood(text: str, expected: date) -> None:
    assert rules.parse_due(text, today=TODAY, not_before=RAISED) == expected


def test_one_month_from_the_end_of_january_is_the_end_of_february() -> None:
    assert rules.parse_due("+1m", today=date(2027, 1, 31)) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "a due date is needed"),
        ("soon", "'soon' is not a date"),
        ("+3x", "'+3x' is not a date"),
        ("2026-02-30", "day is out of range"),
        ("03/04/2026", "ambiguous"),
        ("7", "for 7 days from today write +7d"),
        ("2026-11-01", "before the plan was raised (2026-11-20)"),
        ("Nov 1", "before the plan was raised"),
    ],
)
def test_bad_due_dates_are_refused_with_an_example(text: str, says: str) -> None:
    with pytest.raises(rules.DueDateError) as err:
        rules.parse_due(text, today=TODAY, not_before=RAISED)
    message = str(err.value)
    assert says in message
    assert "e.g." in message  # every refusal shows a form that works


def test_a_due_date_on_the_day_the_plan_was_raised_is_fine() -> None:
    assert rules.parse_due("2026-11-20", today=TODAY, not_before=RAISED) == RAISED


def test_the_refusal_names_what_the_date_may_not_precede() -> None:
    with pytest.raises(rules.DueDateError, match="before the action was raised"):
        rules.parse_due(
            "2026-01-01", today=TODAY, not_before=TODAY, not_before_is="the action was raised"
        )


@pytest.mark.parametrize(
    ("text", "days"),
    [("7d", 7), ("+7d", 7), ("2w", 14), ("1m", 30), ("1 month", 30), ("0d", 0)],
)
def test_spans(text: str, days: int) -> None:
    assert rules.span_days(text, TODAY) == days


@pytest.mark.parametrize("text", ["7", "week", "-3d", "7x", ""])
def test_bad_spans(text: str) -> None:
    with pytest.raises(rules.DueDateError, match="not a span"):
        rules.parse_span(text)


@pytest.mark.parametrize(
    ("due", "status", "late", "overdue"),
    [
        (date(2026, 11, 27), "open", 1, True),
        (date(2026, 11, 28), "open", 0, False),  # due today is not yet late
        (date(2026, 11, 29), "open", 0, False),
        (date(2026, 11, 1), "in_progress", 27, True),
        (date(2026, 11, 1), "done", 0, False),
        (date(2026, 11, 1), "cancelled", 0, False),
        (date(2025, 11, 28), "open", 365, True),
    ],
)
def test_overdue(due: date, status: str, late: int, overdue: bool) -> None:
    assert rules.days_overdue(due, status, TODAY) == late
    assert rules.is_overdue(due, status, TODAY) is overdue


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("done", "done"),
        ("In progress", "in_progress"),
        ("in-progress", "in_progress"),
        ("OPEN", "open"),
    ],
)
def test_statuses_are_normalised(text: str, status: str) -> None:
    assert rules.check_status(text) == status


def test_unknown_status_lists_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="open, in_progress, done, cancelled"):
        rules.check_status("finished")
