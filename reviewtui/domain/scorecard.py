"""The scorecard rules: the product's published method (docs/scorecard.md says it in words).

Pure functions over plain values; the database layer feeds them one KPI's history at a time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from reviewtui.domain import periods

GREEN, AMBER, RED, NO_DATA = "green", "amber", "red", "no data"

#: Worst first: the order in which statuses call for attention.
STATUS_RANK = {RED: 0, AMBER: 1, NO_DATA: 2, GREEN: 3}

#: The keys of one KPI in the published scorecard JSON, in order.
JSON_KEYS = (
    "kpi",
    "period",
    "unit",
    "direction",
    "target",
    "threshold",
    "weight",
    "actual",
    "source",
    "vendor_value",
    "independent_value",
    "discrepancy_pct",
    "discrepancy",
    "gap",
    "gap_pct",
    "status",
    "attainment",
    "trend",
    "consecutive_misses",
    "escalate",
)


@dataclass(frozen=True)
class KpiDef:
    """What was agreed for a KPI."""

    kpi_id: int
    name: str
    unit: str
    direction: str  # higher | lower
    target: float
    threshold: float | None
    weight: float
    frequency: str
    category: str = "service"


class PeriodValues(NamedTuple):
    """The values of one period: vendor-reported and/or independent.

    A named tuple: a portfolio loads hundreds of thousands of them, and a tuple is made
    several times faster than a frozen dataclass.
    """

    period: str
    vendor: float | None = None
    independent: float | None = None

    @property
    def actual(self) -> float | None:
        return self.independent if self.independent is not None else self.vendor

    @property
    def source(self) -> str | None:
        if self.independent is not None:
            return "independent"
        if self.vendor is not None:
            return "vendor"
        return None


@dataclass(frozen=True)
class KpiResult:
    """One KPI evaluated at one period: every field of the scorecard JSON."""

    kpi_id: int
    kpi: str
    period: str | None
    unit: str
    direction: str
    target: float
    threshold: float | None
    weight: float
    category: str
    frequency: str
    actual: float | None
    source: str | None
    vendor_value: float | None
    independent_value: float | None
    discrepancy_pct: float | None
    discrepancy: bool
    gap: float | None
    gap_pct: float | None
    status: str
    attainment: float | None
    trend: str | None
    consecutive_misses: int
    escalate: bool
    #: The periods with a value up to ``period``, oldest first: at least the last 12 periods
    #: (the query layer may leave older ones out; the KPI history screen loads them all).
    history: tuple[PeriodValues, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The published JSON object (no history, no internal ids)."""
        return {k: getattr(self, k) for k in JSON_KEYS}

    def recent(self, n: int = 12) -> list[float | None]:
        """The actual values of the ``n`` periods ending at ``period`` (None where missing)."""
        if self.period is None:
            return []
        values = {h.period: h.actual for h in self.history}
        return [values.get(p) for p in periods.last_n(self.period, n)]


def gap(direction: str, actual: float, target: float) -> float:
    """Distance from target in the good direction; negative means short of target."""
    return actual - target if direction == "higher" else target - actual


def gap_pct(g: float, target: float) -> float | None:
    """The gap as a percentage of the target's size; None when the target is 0."""
    return None if target == 0 else g / abs(target) * 100


def status(direction: str, actual: float | None, target: float, threshold: float | None) -> str:
    """green at or beyond target; amber within the threshold; else red; no data without a value."""
    if actual is None:
        return NO_DATA
    if gap(direction, actual, target) >= 0:
        return GREEN
    if threshold is not None:
        within = actual >= threshold if direction == "higher" else actual <= threshold
        if within:
            return AMBER
    return RED


def attainment(direction: str, actual: float, target: float) -> float:
    """0-100: how much of the target was attained."""
    if direction == "higher":
        if actual >= target:
            return 100.0  # also keeps 100 * x / x from coming out as 99.99999999999999
        if target > 0:
            return _clamp(100 * actual / target)
        return 0.0
    if actual <= target:
        return 100.0
    if target > 0 and actual > 0:
        return _clamp(100 * target / actual)
    return 0.0


def _clamp(v: float) -> float:
    return max(0.0, min(100.0, v))


def discrepancy(
    vendor: float | None, independent: float | None, limit: float
) -> tuple[float | None, bool]:
    """(vendor - independent) / |independent| * 100, and whether it exceeds ``limit``.

    The percentage is rounded as published (4 decimals) before it is compared, so that float
    noise (1.05 against 1.0 is 5.000000000000004 %) never raises a flag the number does not show.
    """
    if vendor is None or independent is None:
        return None, False
    if independent == 0:
        if vendor == 0:
            return 0.0, False
        return None, False
    pct = _round((vendor - independent) / abs(independent) * 100)
    assert pct is not None
    return pct, abs(pct) > limit


def trend(direction: str, current: float | None, previous: float | None) -> str | None:
    """improving / worsening / flat in the good direction; new without a previous value."""
    if current is None:
        return None
    if previous is None:
        return "new"
    if current == previous:
        return "flat"
    better = current > previous if direction == "higher" else current < previous
    return "improving" if better else "worsening"


def evaluate(
    kpi: KpiDef,
    history: Sequence[PeriodValues],
    period: str | None = None,
    *,
    discrepancy_limit: float = 5.0,
    escalate_after: int = 3,
) -> KpiResult:
    """Evaluate ``kpi`` at ``period`` (default: its latest period with a value).

    ``history`` holds the KPI's periods with values, in any order; ``period`` is already a key
    of the KPI's frequency (see :func:`reviewtui.domain.periods.normalise`).
    """
    # Periods of another frequency (left behind if the KPI's frequency was changed) do not count.
    of_frequency = periods.matcher(kpi.frequency)
    by_period = {
        h.period: h
        for h in history
        if (h.independent is not None or h.vendor is not None) and of_frequency(h.period)
    }
    keys = sorted(by_period)
    if period is None and keys:
        period = keys[-1]
    # keys[:upto] are the periods up to ``period``; the one before ``period`` is the previous.
    upto = bisect_right(keys, period) if period is not None else len(keys)
    current = by_period.get(period) if period else None
    direction, target, threshold = kpi.direction, kpi.target, kpi.threshold
    vendor = current.vendor if current else None
    independent = current.independent if current else None
    actual = independent if independent is not None else vendor
    before = upto - 1 if upto and keys[upto - 1] == period else upto
    previous = by_period[keys[before - 1]].actual if period is not None and before else None
    st = status(direction, actual, target, threshold)
    # A dashboard evaluates every KPI of the portfolio (10,000 at 500 vendors): the result is
    # built positionally and the run of misses starts from the status just computed.
    misses = 0
    g = gp = att = None
    if actual is not None:
        g_ = gap(direction, actual, target)
        g, gp = _round(g_), _round(gap_pct(g_, target))
        att = _round(attainment(direction, actual, target))
        if st != GREEN:
            misses = 1
            assert period is not None
            p = periods.previous(period)
            while (pv := by_period.get(p)) is not None and status(
                direction, pv.actual, target, threshold
            ) != GREEN:
                misses += 1
                p = periods.previous(p)
    d_pct, d_flag = discrepancy(vendor, independent, discrepancy_limit)
    return KpiResult(
        kpi.kpi_id,
        kpi.name,
        period,
        kpi.unit,
        direction,
        target,
        threshold,
        kpi.weight,
        kpi.category,
        kpi.frequency,
        actual,
        current.source if current else None,
        vendor,
        independent,
        _round(d_pct),
        d_flag,
        g,
        gp,
        st,
        att,
        trend(direction, actual, previous),
        misses,
        misses >= escalate_after,
        tuple([by_period[k] for k in keys[:upto]]),
    )


def _round(v: float | None, places: int = 4) -> float | None:
    """Stable numbers for JSON: no float noise like 2.0000000000000004."""
    return None if v is None else round(v, places)


def vendor_score(results: Sequence[KpiResult]) -> float | None:
    """Weighted mean attainment over KPIs with a value and weight > 0, rounded half up to 0.1."""
    counted = [
        (r.attainment, r.weight) for r in results if r.attainment is not None and r.weight > 0
    ]
    if not counted:
        return None
    # Weights relative to the largest: a tiny weight (1e-320) would otherwise lose its
    # precision in attainment * weight and pull the mean outside the attainments.
    top = max(w for _, w in counted)
    num = sum(a * (w / top) for a, w in counted)
    den = sum(w / top for _, w in counted)
    # Half up, as people round by hand (Python's round() would give 92.2 for 92.25).
    mean = round(num / den, 9)  # drop float noise first: 92.24999999999999 is 92.25
    return float(Decimal(repr(mean)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def vendor_status(score: float | None, green: float = 95.0, amber: float = 85.0) -> str:
    """green at or above ``green``, amber at or above ``amber``, else red; no data without a score."""
    if score is None:
        return NO_DATA
    if score >= green:
        return GREEN
    if score >= amber:
        return AMBER
    return RED
