"""The KPI history chart on KPIs the demo data does not have: lower is better with the values
far from target, no amber threshold, one period, values from one source only."""

from __future__ import annotations

import re
from pathlib import Path

from textual_plotext import PlotextPlot

from reviewtui.db import kpis as kpi_q
from reviewtui.db import open_database
from reviewtui.db import vendors as vendor_q
from reviewtui.screens.scorecard import SERIES, KpiHistoryScreen
from tests.ui.conftest import make_app, settle


def _kpi(path: Path, values: list[tuple[str, float, str]], **kpi) -> int:
    db = open_database(str(path), user="tester")
    with db.session() as s:
        vid = vendor_q.create("Acme Logistics", session=s).id
        kid = kpi_q.save(vid, session=s, name="Damage rate", unit="%", **kpi).id
        for period, value, source in values:
            kpi_q.record(kid, period, value, session=s, source=source)
    db.dispose()
    return kid


async def _chart(path: Path, kid: int) -> tuple[list[str], str]:
    """The chart's lines as drawn, and the key above it."""
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(KpiHistoryScreen(kid))
        await settle(pilot)
        plot = app.screen.query_one("#kh-chart", PlotextPlot)
        lines = plot.render().plain.splitlines()  # type: ignore[union-attr]
        key = str(app.screen.query_one("#kh-head").render())
    return lines, key


def _row(lines: list[str], label: str) -> str:
    return next(line for line in lines if re.match(rf"\s*{re.escape(label)}[┤├]", line))


async def test_lower_is_better_far_from_target_still_shows_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "kpi.db"
    months = [f"2026-{m:02d}" for m in range(1, 7)]
    kid = _kpi(
        path,
        [(p, 4.0 + n, "independent") for n, p in enumerate(months)]
        + [(p, 3.0 + n, "vendor") for n, p in enumerate(months)],
        direction="lower",
        target=0.5,
        threshold=1.5,
    )
    lines, key = await _chart(path, kid)
    target, threshold = SERIES["target"][0], SERIES["threshold"][0]
    # Far below every value, the lines are still drawn, on rows labelled with their values.
    assert target in _row(lines, "0.5%") and threshold not in _row(lines, "0.5%")
    assert threshold in _row(lines, "1.5%") and target not in _row(lines, "1.5%")
    assert f"{target * 2} target 0.5%" in key and f"{threshold * 2} amber threshold 1.5%" in key
    for name in ("vendor", "independent"):
        assert any(SERIES[name][0] in line for line in lines), name


async def test_no_threshold_one_period_one_source(tmp_path: Path) -> None:
    path = tmp_path / "kpi.db"
    kid = _kpi(path, [("2026-03", 2.0, "vendor")], direction="lower", target=1.0)
    lines, key = await _chart(path, kid)
    assert "no amber threshold" in key and SERIES["threshold"][0] not in key
    assert not any(SERIES["threshold"][0] in line for line in lines)
    assert SERIES["target"][0] in _row(lines, "1%")
    assert any(SERIES["vendor"][0] in line for line in lines)
    assert not any(SERIES["independent"][0] in line for line in lines)
