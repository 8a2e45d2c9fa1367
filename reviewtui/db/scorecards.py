"""Scorecards: KPI values pivoted by period and source in SQL, then the published rules.

The database does the heavy lifting (one grouped query returns, per KPI and period, the vendor
and the independent value side by side); :mod:`reviewtui.domain.scorecard` applies the rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.orm import Session

from reviewtui.config import Settings
from reviewtui.db import models as m
from reviewtui.db.errors import NotFound, UserError
from reviewtui.domain import enums, periods
from reviewtui.domain import scorecard as rules

#: Periods of history loaded per KPI by default: enough for the 12-period sparklines.
HISTORY = 12


@dataclass(frozen=True)
class VendorScorecard:
    """A vendor's scorecard: overall score and status, and each KPI's result."""

    vendor_id: int
    vendor: str
    score: float | None
    status: str
    kpis: tuple[rules.KpiResult, ...]

    def as_json(self) -> dict:
        return {
            "vendor": self.vendor,
            "score": self.score,
            "status": self.status,
            "kpis": [k.as_json() for k in self.kpis],
        }


def _kpi_defs(session: Session, vendor_ids: list[int] | None) -> dict[int, list[rules.KpiDef]]:
    q = select(
        m.Kpi.id,
        m.Kpi.vendor_id,
        m.Kpi.name,
        m.Kpi.unit,
        m.Kpi.direction,
        m.Kpi.target,
        m.Kpi.threshold,
        m.Kpi.weight,
        m.Kpi.frequency,
        m.Kpi.category,
    ).order_by(m.Kpi.vendor_id, m.Kpi.id)
    if vendor_ids is not None:
        q = q.where(m.Kpi.vendor_id.in_(vendor_ids))
    out: dict[int, list[rules.KpiDef]] = defaultdict(list)
    for kid, vid, name, unit, direction, target, threshold, weight, freq, cat in session.execute(q):
        out[vid].append(
            rules.KpiDef(kid, name, unit, direction, target, threshold, weight, freq, cat)
        )
    return out


def _own_frequency():
    """True where a measurement's period key is of its KPI's frequency (``YYYY-MM`` etc.)."""
    marker = func.substr(m.Measurement.period, 6, 1)
    return or_(
        and_(m.Kpi.frequency == "monthly", marker.not_in(("Q", "W"))),
        and_(m.Kpi.frequency == "quarterly", marker == "Q"),
        and_(m.Kpi.frequency == "weekly", marker == "W"),
    )


def _until(bounds: dict[str, str] | None):
    """Periods up to the bound of each frequency (period keys sort as strings)."""
    if not bounds:
        return true()
    return or_(
        *(
            and_(m.Kpi.frequency == freq, m.Measurement.period <= key)
            for freq, key in bounds.items()
        )
    )


def _pivoted(
    session: Session,
    vendor_ids: list[int] | None,
    *,
    bounds: dict[str, str] | None = None,
    last: int | None = None,
    kpi_ids: list[int] | None = None,
) -> dict[int, list[rules.PeriodValues]]:
    """Per KPI: (period, vendor value, independent value), pivoted and grouped in SQL.

    ``bounds`` keeps periods up to the given period of each frequency; ``last`` keeps only the
    latest ``last`` periods of each KPI (a window function, on SQLite and PostgreSQL alike).
    """
    vendor_v = func.max(case((m.Measurement.source == "vendor", m.Measurement.value)))
    indep_v = func.max(case((m.Measurement.source == "independent", m.Measurement.value)))
    cols = [m.Measurement.kpi_id, m.Measurement.period, vendor_v, indep_v]
    if last is not None:
        cols.append(
            func.row_number()
            .over(partition_by=m.Measurement.kpi_id, order_by=m.Measurement.period.desc())
            .label("rn")
        )
    q = (
        select(*cols)
        .join(m.Kpi, m.Kpi.id == m.Measurement.kpi_id)
        .where(_own_frequency(), _until(bounds))
        .group_by(m.Measurement.kpi_id, m.Measurement.period)
    )
    if vendor_ids is not None:
        q = q.where(m.Kpi.vendor_id.in_(vendor_ids))
    if kpi_ids is not None:
        q = q.where(m.Measurement.kpi_id.in_(kpi_ids))
    if last is not None:
        sub = q.subquery()
        q = select(sub.c.kpi_id, sub.c.period, sub.c[2], sub.c[3]).where(sub.c.rn <= last)
    out: dict[int, list[rules.PeriodValues]] = defaultdict(list)
    for kid, period, vv, iv in session.execute(q):
        out[kid].append(rules.PeriodValues(period, vv, iv))
    return out


def _bounds(period: str | None) -> dict[str, str] | None:
    """The key of ``period`` in each frequency (see periods.normalise), or a UserError."""
    if not period:
        return None
    try:
        return {f: periods.normalise(period, f) for f in enums.FREQUENCIES}
    except periods.PeriodError as exc:
        raise UserError(f"period {exc}") from None


def _values(
    session: Session,
    vendor_ids: list[int] | None,
    defs: dict[int, list[rules.KpiDef]],
    bounds: dict[str, str] | None,
    history: int | None,
    settings: Settings,
) -> dict[int, list[rules.PeriodValues]]:
    """The values the rules need: the last ``history`` periods of each KPI, and more for a KPI
    whose run of misses reaches back past them (rare), so results equal a full-history run."""
    if history is None:
        return _pivoted(session, vendor_ids, bounds=bounds)
    last = max(history, 2)
    values = _pivoted(session, vendor_ids, bounds=bounds, last=last)
    longer = []
    for kdefs in defs.values():
        for d in kdefs:
            rows = values.get(d.kpi_id, [])
            if len(rows) < last:
                continue
            r = rules.evaluate(
                d,
                rows,
                bounds[d.frequency] if bounds else None,
                discrepancy_limit=settings.discrepancy_pct,
                escalate_after=settings.escalate_after_misses,
            )
            oldest = min(p.period for p in rows)
            if r.consecutive_misses and periods.shift(r.period, 1 - r.consecutive_misses) <= oldest:
                longer.append(d.kpi_id)
    for i in range(0, len(longer), 500):
        chunk = longer[i : i + 500]
        values.update(_pivoted(session, None, bounds=bounds, kpi_ids=chunk))
    return values


def _evaluate_vendor(
    vendor_id: int,
    name: str,
    defs: list[rules.KpiDef],
    values: dict[int, list],
    bounds: dict[str, str] | None,
    settings: Settings,
) -> VendorScorecard:
    results = []
    for d in defs:
        p = bounds[d.frequency] if bounds else None
        results.append(
            rules.evaluate(
                d,
                values.get(d.kpi_id, []),
                p,
                discrepancy_limit=settings.discrepancy_pct,
                escalate_after=settings.escalate_after_misses,
            )
        )
    score = rules.vendor_score(results)
    return VendorScorecard(
        vendor_id=vendor_id,
        vendor=name,
        score=score,
        status=rules.vendor_status(score, settings.vendor_green, settings.vendor_amber),
        kpis=tuple(results),
    )


def vendor_scorecard(
    vendor_id: int,
    *,
    session: Session,
    period: str | None = None,
    settings: Settings | None = None,
    history: int | None = HISTORY,
) -> VendorScorecard:
    """One vendor's scorecard at ``period`` (any date/month/period text; default: latest).

    ``history``: how many of each KPI's latest periods to load for ``KpiResult.history``
    (None: all of them); the results do not depend on it.
    """
    settings = settings or Settings()
    name = session.scalar(select(m.Vendor.name).where(m.Vendor.id == vendor_id))
    if name is None:
        raise NotFound(f"no vendor with id {vendor_id}")
    bounds = _bounds(period)
    defs = _kpi_defs(session, [vendor_id])
    values = _values(session, [vendor_id], defs, bounds, history, settings)
    return _evaluate_vendor(vendor_id, name, defs.get(vendor_id, []), values, bounds, settings)


def portfolio(
    *,
    session: Session,
    period: str | None = None,
    settings: Settings | None = None,
    vendor_ids: list[int] | None = None,
    history: int | None = HISTORY,
) -> list[VendorScorecard]:
    """Every vendor's scorecard (or those in ``vendor_ids``), by vendor name."""
    settings = settings or Settings()
    bounds = _bounds(period)
    q = select(m.Vendor.id, m.Vendor.name).order_by(m.Vendor.name)
    if vendor_ids is not None:
        q = q.where(m.Vendor.id.in_(vendor_ids))
    vendors = list(session.execute(q))
    defs = _kpi_defs(session, vendor_ids)
    values = _values(session, vendor_ids, defs, bounds, history, settings)
    return [
        _evaluate_vendor(vid, name, defs.get(vid, []), values, bounds, settings)
        for vid, name in vendors
    ]
