"""Scorecards: KPI values pivoted by period and source in SQL, then the published rules.

The database does the heavy lifting (one grouped query returns, per KPI and period, the vendor
and the independent value side by side); :mod:`reviewtui.domain.scorecard` applies the rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from reviewtui.config import Settings
from reviewtui.db import models as m
from reviewtui.db.errors import NotFound
from reviewtui.domain import periods
from reviewtui.domain import scorecard as rules


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


def _pivoted(session: Session, vendor_ids: list[int] | None) -> dict[int, list[rules.PeriodValues]]:
    """Per KPI: (period, vendor value, independent value), grouped in SQL."""
    vendor_v = func.max(case((m.Measurement.source == "vendor", m.Measurement.value)))
    indep_v = func.max(case((m.Measurement.source == "independent", m.Measurement.value)))
    q = select(m.Measurement.kpi_id, m.Measurement.period, vendor_v, indep_v).group_by(
        m.Measurement.kpi_id, m.Measurement.period
    )
    if vendor_ids is not None:
        q = q.join(m.Kpi, m.Kpi.id == m.Measurement.kpi_id).where(m.Kpi.vendor_id.in_(vendor_ids))
    out: dict[int, list[rules.PeriodValues]] = defaultdict(list)
    for kid, period, vv, iv in session.execute(q):
        out[kid].append(rules.PeriodValues(period, vv, iv))
    return out


def _evaluate_vendor(
    vendor_id: int,
    name: str,
    defs: list[rules.KpiDef],
    values: dict[int, list],
    period: str | None,
    settings: Settings,
) -> VendorScorecard:
    results = []
    for d in defs:
        p = periods.normalise(period, d.frequency) if period else None
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
) -> VendorScorecard:
    """One vendor's scorecard at ``period`` (any date/month/period text; default: latest)."""
    settings = settings or Settings()
    name = session.scalar(select(m.Vendor.name).where(m.Vendor.id == vendor_id))
    if name is None:
        raise NotFound(f"no vendor with id {vendor_id}")
    defs = _kpi_defs(session, [vendor_id]).get(vendor_id, [])
    return _evaluate_vendor(vendor_id, name, defs, _pivoted(session, [vendor_id]), period, settings)


def portfolio(
    *,
    session: Session,
    period: str | None = None,
    settings: Settings | None = None,
    vendor_ids: list[int] | None = None,
) -> list[VendorScorecard]:
    """Every vendor's scorecard (or those in ``vendor_ids``), by vendor name."""
    settings = settings or Settings()
    q = select(m.Vendor.id, m.Vendor.name).order_by(m.Vendor.name)
    if vendor_ids is not None:
        q = q.where(m.Vendor.id.in_(vendor_ids))
    vendors = list(session.execute(q))
    defs = _kpi_defs(session, vendor_ids)
    values = _pivoted(session, vendor_ids)
    return [
        _evaluate_vendor(vid, name, defs.get(vid, []), values, period, settings)
        for vid, name in vendors
    ]
