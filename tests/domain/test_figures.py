"""One way to write a measured value, whichever view writes it."""

from __future__ import annotations

import pytest

from reviewtui.domain import agenda
from reviewtui.domain.figures import figure


@pytest.mark.parametrize(
    ("value", "unit", "full", "short"),
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
def test_figure_with_and_without_its_unit(value, unit: str, full: str, short: str) -> None:
    assert figure(value, unit) == full
    assert figure(value, unit, with_unit=False) == short


def test_the_agenda_writes_a_kpi_as_the_scorecard_does() -> None:
    """The agenda title goes into the minutes; ``:g`` wrote 1,234,567 as ``1.23457e+06``."""
    k = agenda.DueKpi(1, "Spend", "red", False, 1_234_567.0, 1_000_000.0, "EUR")
    assert agenda.kpi_title(k) == "KPI Spend: red, 1,234,567 EUR vs 1,000,000 EUR"
    none = agenda.DueKpi(2, "Backlog", "no data", False, None, 40.0, "")
    assert agenda.kpi_title(none) == "KPI Backlog: no data, no data vs 40"
