"""Reading dates and times as people type them; refusing what could be read two ways."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from reviewtui.domain.when import WhenError, parse_due, parse_when

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)  # the test suite runs with TZ=UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-03 10:00", datetime(2026, 12, 3, 10, 0)),
        ("2026-12-03T10:00", datetime(2026, 12, 3, 10, 0)),
        ("2026/12/03 10:00", datetime(2026, 12, 3, 10, 0)),
        ("3 Dec 10:00", datetime(2026, 12, 3, 10, 0)),
        ("Dec 3 10:00", datetime(2026, 12, 3, 10, 0)),
        ("10:00 3 December", datetime(2026, 12, 3, 10, 0)),
        ("3 Dec 2027 09:30", datetime(2027, 12, 3, 9, 30)),
        # A date without a year is the next one from today: 1 Nov has passed this year.
        ("1 Nov 10:00", datetime(2027, 11, 1, 10, 0)),
        ("28 Nov 18:00", datetime(2026, 11, 28, 18, 0)),
        ("29 Feb 10:00", datetime(2028, 2, 29, 10, 0)),
        ("+7d 14:00", datetime(2026, 12, 5, 14, 0)),
        ("+2w 9:00", datetime(2026, 12, 12, 9, 0)),
        ("+1m 10:00", datetime(2026, 12, 28, 10, 0)),
        ("today 16:30", datetime(2026, 11, 28, 16, 30)),
        ("tomorrow 08:00", datetime(2026, 11, 29, 8, 0)),
        # Numeric day/month forms are fine when only one reading exists.
        ("13/04 10:00", datetime(2027, 4, 13, 10, 0)),
        ("04/13 10:00", datetime(2027, 4, 13, 10, 0)),
        ("  3   Dec   10:00 ", datetime(2026, 12, 3, 10, 0)),
    ],
)
def test_parse_when_reads(text: str, expected: datetime) -> None:
    got = parse_when(text, now=NOW)
    assert got.tzinfo is not None
    assert got.replace(tzinfo=None) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("03/04 10:00", "ambiguous (3 Apr or 4 Mar?)"),
        ("03.04.2026 10:00", "ambiguous"),
        ("3 Dec", "needs a time"),
        ("10:00", "needs a date"),
        ("", "give a date and time"),
        ("tomorrow 25:00", "not a time of day"),
        ("3 Dec 10:00 11:00", "two times"),
        ("someday 10:00", "cannot read 'someday'"),
        ("Dec 10:00", "needs a day and a month"),
        ("+7x 10:00", "relative date is +Nd"),
        ("3 Dec 10am", "needs a time"),
    ],
)
def test_parse_when_refuses_with_an_example(text: str, message: str) -> None:
    with pytest.raises(WhenError) as info:
        parse_when(text, now=NOW)
    assert message in str(info.value)
    assert "3 Dec 10:00" in str(info.value) or "HH:MM" in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+7d", date(2026, 12, 5)),
        ("+2w", date(2026, 12, 12)),
        ("+1m", date(2026, 12, 28)),
        ("today", date(2026, 11, 28)),
        ("2026-12-10", date(2026, 12, 10)),
        ("10 Dec", date(2026, 12, 10)),
    ],
)
def test_parse_due(text: str, expected: date) -> None:
    assert parse_due(text, today=NOW.date()) == expected


def test_parse_due_refuses_times_and_ambiguity() -> None:
    with pytest.raises(WhenError, match="without a time"):
        parse_due("10 Dec 10:00", today=NOW.date())
    with pytest.raises(WhenError, match="ambiguous"):
        parse_due("05/06", today=NOW.date())


def test_default_now_is_the_frozen_clock() -> None:
    assert parse_when("+1d 10:00").date() == date(2026, 11, 29)
