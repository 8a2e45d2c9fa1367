"""One way to write a measured value, whichever view writes it."""

from __future__ import annotations

import pytest

from reviewtui.domain import agenda
from reviewtui.domain.figures import exact, figure, short


@pytest.mark.parametrize(
    ("value", "unit", "full", "narrow"),
    [
        (96.3, "%", "96.3%", "96.3%"),
        (1240, "PPM", "1,240 PPM", "1,240"),
        (1_234_567, "EUR", "1,234,567 EUR", "1,234,567"),
        (92.926, "%", "92.93%", "92.93%"),
        (15.0, "min", "15 min", "15"),
        (-0.001, "", "0", "0"),
        (0, "h", "0 h", "0"),
        (None, "%", "—", "—"),
    ],
)
def test_figure_with_and_without_its_unit(value, unit: str, full: str, narrow: str) -> None:
    assert figure(value, unit) == full
    assert short(value, unit) == narrow


def test_the_agenda_writes_a_kpi_as_the_scorecard_does() -> None:
    """The agenda title goes into the minutes; ``:g`` wrote 1,234,567 as ``1.23457e+06``."""
    k = agenda.DueKpi(1, "Spend", "red", False, 1_234_567.0, 1_000_000.0, "EUR")
    assert agenda.kpi_title(k) == "KPI Spend: red, 1,234,567 EUR vs 1,000,000 EUR"
    none = agenda.DueKpi(2, "Backlog", "no data", False, None, 40.0, "")
    assert agenda.kpi_title(none) == "KPI Backlog: no data, no data vs 40"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(123_456.5, "123456.5"), (1_234_567.25, "1234567.25"), (97.0, "97"), (0.1, "0.1"), (None, "")],
)
def test_a_form_shows_every_digit_so_an_untouched_field_saves_the_same(value, shown) -> None:
    assert exact(value) == shown
    assert value is None or float(shown) == value
