"""The published scorecard rules (docs/scorecard.md), one table per rule, edges included."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtui.domain import scorecard as r
from reviewtui.domain.scorecard import KpiDef, PeriodValues


def kpi(direction="higher", target=95.0, threshold=90.0, weight=1.0, frequency="monthly"):
    return KpiDef(1, "KPI", "%", direction, target, threshold, weight, frequency)


# --- gap and gap_pct ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "actual", "target", "gap", "gap_pct"),
    [
        ("higher", 97, 95, 2, 2 / 95 * 100),
        ("higher", 90, 95, -5, -5 / 95 * 100),
        ("higher", 95, 95, 0, 0),
        ("lower", 12, 15, 3, 20),
        ("lower", 18, 15, -3, -20),
        ("higher", 1, 0, 1, None),  # target 0: no percentage
        ("lower", 1, 0, -1, None),
        ("lower", 0, 0, 0, None),
        ("higher", -3, -5, 2, 40),  # negative target: |target| in the percentage
        ("lower", -1.5, 2, 3.5, 175),  # cost variance under budget
    ],
)
def test_gap(direction, actual, target, gap, gap_pct) -> None:
    g = r.gap(direction, actual, target)
    assert g == pytest.approx(gap)
    pct = r.gap_pct(g, target)
    assert pct == (None if gap_pct is None else pytest.approx(gap_pct))


# --- status ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "actual", "target", "threshold", "status"),
    [
        ("higher", 95, 95, 90, "green"),
        ("higher", 94.9, 95, 90, "amber"),
        ("higher", 90, 95, 90, "amber"),  # at the threshold is within it
        ("higher", 89.9, 95, 90, "red"),
        ("higher", 94, 95, None, "red"),  # no threshold: short of target is red
        ("lower", 15, 15, 20, "green"),
        ("lower", 20, 15, 20, "amber"),
        ("lower", 20.1, 15, 20, "red"),
        ("lower", 16, 15, None, "red"),
        ("higher", None, 95, 90, "no data"),
        ("higher", 0, 0, None, "green"),  # target 0
        ("lower", 0, 0, None, "green"),
        ("lower", 1, 0, 2, "amber"),
        ("higher", -4, -5, None, "green"),  # negative values
        ("higher", -6, -5, -7, "amber"),
        ("higher", 91, 95, 97, "red"),  # a threshold on the wrong side never helps
    ],
)
def test_status(direction, actual, target, threshold, status) -> None:
    assert r.status(direction, actual, target, threshold) == status


# --- attainment --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "actual", "target", "attainment"),
    [
        ("higher", 95, 95, 100),
        ("higher", 47.5, 95, 50),
        ("higher", 120, 95, 100),  # clamped
        ("higher", -10, 95, 0),  # clamped
        ("higher", 0, 0, 100),  # target 0: met or not
        ("higher", -1, 0, 0),
        ("higher", -3, -5, 100),  # target < 0
        ("higher", -6, -5, 0),
        ("lower", 10, 15, 100),
        ("lower", 15, 15, 100),
        ("lower", 30, 15, 50),
        ("lower", 1000, 500, 50),
        ("lower", 0, 0, 100),  # target 0, met
        ("lower", 2, 0, 0),  # target 0, missed
        ("lower", -1, -2, 0),  # missed with a target <= 0
        ("lower", -3, -2, 100),
    ],
)
def test_attainment(direction, actual, target, attainment) -> None:
    assert r.attainment(direction, actual, target) == pytest.approx(attainment)


# --- discrepancy -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vendor", "independent", "pct", "flag"),
    [
        (97, 96, 1 / 96 * 100, False),
        (105, 100, 5.0, False),  # exactly 5 %: not more than 5
        (1.05, 1.0, 5.0, False),  # float noise does not raise a flag
        (106, 100, 6.0, True),
        (94, 100, -6.0, True),
        (0, 0, 0.0, False),  # both 0
        (3, 0, None, False),  # only the independent value is 0
        (0, 4, -100.0, True),
        (-2, -4, 50.0, True),  # |independent| in the denominator
        (97, None, None, False),
        (None, 96, None, False),
    ],
)
def test_discrepancy(vendor, independent, pct, flag) -> None:
    got_pct, got_flag = r.discrepancy(vendor, independent, 5.0)
    assert got_pct == (None if pct is None else pytest.approx(pct, abs=1e-4))
    assert got_flag is flag


def test_discrepancy_limit_is_configurable() -> None:
    assert r.discrepancy(104, 100, 3.0) == (4.0, True)
    assert r.discrepancy(104, 100, 5.0) == (4.0, False)


# --- trend -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "current", "previous", "trend"),
    [
        ("higher", 96, 95, "improving"),
        ("higher", 94, 95, "worsening"),
        ("higher", 95, 95, "flat"),
        ("lower", 12, 15, "improving"),
        ("lower", 18, 15, "worsening"),
        ("lower", 15, 15, "flat"),
        ("higher", 95, None, "new"),
        ("higher", None, 95, None),
    ],
)
def test_trend(direction, current, previous, trend) -> None:
    assert r.trend(direction, current, previous) == trend


# --- evaluate: source, period choice, trend over gaps, consecutive misses -----------------------


def pv(period, vendor=None, independent=None):
    return PeriodValues(period, vendor, independent)


def test_actual_is_independent_when_both_exist() -> None:
    res = r.evaluate(kpi(), [pv("2026-03", vendor=97, independent=91)])
    assert (res.actual, res.source) == (91, "independent")
    assert (res.vendor_value, res.independent_value) == (97, 91)
    assert res.discrepancy_pct == pytest.approx(6.5934, abs=1e-4)
    assert res.discrepancy is True
    assert res.status == "amber"


def test_vendor_value_when_alone() -> None:
    res = r.evaluate(kpi(), [pv("2026-03", vendor=96)])
    assert (res.actual, res.source, res.independent_value) == (96, "vendor", None)
    assert (res.discrepancy_pct, res.discrepancy) == (None, False)


def test_latest_period_with_a_value_by_default() -> None:
    hist = [pv("2026-01", 90), pv("2026-03", 96), pv("2026-02", 93)]
    res = r.evaluate(kpi(), hist)
    assert res.period == "2026-03"
    assert res.trend == "improving"
    assert [h.period for h in res.history] == ["2026-01", "2026-02", "2026-03"]


def test_period_without_a_value_is_no_data() -> None:
    res = r.evaluate(kpi(), [pv("2026-01", 80), pv("2026-03", 80)], "2026-02")
    assert res.status == "no data"
    assert (res.actual, res.gap, res.gap_pct, res.attainment, res.trend) == (None,) * 5
    assert (res.consecutive_misses, res.escalate) == (0, False)
    assert [h.period for h in res.history] == ["2026-01"]


def test_trend_skips_missing_periods() -> None:
    res = r.evaluate(kpi(), [pv("2025-11", 97), pv("2026-02", 96)], "2026-02")
    assert res.trend == "worsening"
    first = r.evaluate(kpi(), [pv("2026-02", 96)])
    assert first.trend == "new"


def test_no_history_at_all() -> None:
    res = r.evaluate(kpi(), [])
    assert (res.period, res.status, res.attainment) == (None, "no data", None)
    assert res.recent() == []


@pytest.mark.parametrize(
    ("values", "misses"),
    [
        # period -> actual, for target 95 (higher) with threshold 90
        ({"2026-01": 80, "2026-02": 80, "2026-03": 80}, 3),
        ({"2026-01": 80, "2026-02": 92, "2026-03": 93}, 3),  # amber counts as a miss
        ({"2026-01": 96, "2026-02": 80, "2026-03": 80}, 2),  # a green ends the run
        ({"2026-01": 80, "2026-03": 80}, 1),  # a period without a value ends the run
        ({"2026-02": 80, "2026-03": 96}, 0),
        ({"2025-12": 80, "2026-01": 80, "2026-02": 80, "2026-03": 80}, 4),  # over the year end
    ],
)
def test_consecutive_misses_and_escalate(values: dict, misses: int) -> None:
    res = r.evaluate(kpi(), [pv(p, v) for p, v in values.items()], "2026-03")
    assert res.consecutive_misses == misses
    assert res.escalate is (misses >= 3)


def test_escalate_after_is_configurable() -> None:
    hist = [pv("2026-02", 80), pv("2026-03", 80)]
    assert r.evaluate(kpi(), hist, escalate_after=2).escalate is True
    assert r.evaluate(kpi(), hist).escalate is False


def test_quarterly_kpi_counts_quarters() -> None:
    q = kpi(direction="lower", target=2, threshold=3, frequency="quarterly")
    hist = [pv("2025-Q3", 2.5), pv("2025-Q4", 3.5), pv("2026-Q1", 2.4)]
    res = r.evaluate(q, hist)
    assert (res.period, res.status, res.consecutive_misses) == ("2026-Q1", "amber", 3)
    assert res.trend == "improving"
    assert res.recent(4) == [None, 2.5, 3.5, 2.4]
    # Monthly keys left behind by a change of frequency are not the KPI's periods.
    assert r.evaluate(q, [*hist, pv("2026-03", 9)]).period == "2026-Q1"


def test_recent_window_has_gaps_as_none() -> None:
    res = r.evaluate(kpi(), [pv("2026-01", 90), pv("2026-03", 96)])
    assert res.recent(4) == [None, 90, None, 96]


def test_as_json_has_exactly_the_published_keys() -> None:
    res = r.evaluate(kpi(), [pv("2026-03", vendor=97, independent=96)])
    d = res.as_json()
    assert list(d) == list(r.JSON_KEYS)
    assert d["kpi"] == "KPI" and d["actual"] == 96 and d["source"] == "independent"


# --- vendor score and status -------------------------------------------------------------------


def result(attainment, weight=1.0):
    hist = [] if attainment is None else [pv("2026-03", attainment)]
    return r.evaluate(kpi(target=100, weight=weight), hist)


@pytest.mark.parametrize(
    ("kpis", "score", "status"),
    [
        ([(100, 1), (80, 1)], 90.0, "amber"),
        ([(100, 3), (80, 1)], 95.0, "green"),
        ([(100, 1), (80, 0)], 100.0, "green"),  # weight 0 does not count
        ([(100, 1), (None, 5)], 100.0, "green"),  # no value does not count
        ([(None, 1)], None, "no data"),
        ([(80, 0)], None, "no data"),  # only weight-0 KPIs
        ([], None, "no data"),
        ([(84.9, 1)], 84.9, "red"),
        ([(85, 1)], 85.0, "amber"),
        ([(92.2, 1), (92.3, 1)], 92.3, "amber"),  # 92.25 rounds half up
        ([(94.94, 1)], 94.9, "amber"),
        ([(94.95, 1)], 95.0, "green"),
    ],
)
def test_vendor_score(kpis, score, status) -> None:
    results = [result(a, w) for a, w in kpis]
    assert r.vendor_score(results) == score
    assert r.vendor_status(r.vendor_score(results)) == status


def test_vendor_status_bands_are_configurable() -> None:
    assert r.vendor_status(90, green=90, amber=80) == "green"
    assert r.vendor_status(79.9, green=90, amber=80) == "red"


# --- properties --------------------------------------------------------------------------------

numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
directions = st.sampled_from(["higher", "lower"])


@given(directions, numbers, numbers, st.one_of(st.none(), numbers))
def test_attainment_in_range_and_status_green_iff_gap_not_negative(d, actual, target, thr):
    a = r.attainment(d, actual, target)
    assert 0 <= a <= 100
    g = r.gap(d, actual, target)
    assert (r.status(d, actual, target, thr) == "green") is (g >= 0)
    # Meeting the target is full attainment.
    if g >= 0:
        assert a == 100


@given(directions, numbers, numbers)
def test_trend_follows_the_good_direction(d, current, previous):
    t = r.trend(d, current, previous)
    if current == previous:
        assert t == "flat"
    elif (current > previous) == (d == "higher"):
        assert t == "improving"
    else:
        assert t == "worsening"


@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 10)), max_size=8))
def test_score_is_between_the_lowest_and_highest_counted_attainment(pairs):
    results = [result(a, w) for a, w in pairs]
    score = r.vendor_score(results)
    counted = [x.attainment for x in results if x.weight > 0 and x.attainment is not None]
    if score is None:
        assert not counted
    else:
        assert min(counted) - 0.05 <= score <= max(counted) + 0.05


def test_score_with_a_vanishingly_small_weight_stays_the_attainment():
    """Found by the property above: 1.5 x 5e-324 rounds to 1e-323, which made the score 2.0."""
    assert r.vendor_score([result(1.5, 5e-324)]) == 1.5
