"""A KPI's history, as read."""

from __future__ import annotations

from dataclasses import dataclass

from reviewtui.domain import scorecard as rules


@dataclass(frozen=True)
class KpiHistory:
    """A KPI's whole history: its definition and its result at every period with a value."""

    vendor_id: int
    vendor: str
    kpi: rules.KpiDef
    results: tuple[rules.KpiResult, ...]  # newest first
