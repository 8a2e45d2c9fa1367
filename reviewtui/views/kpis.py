"""KPIs as the meeting's KPI pane reads them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KpiView:
    """A KPI definition as a form shows it."""

    id: int
    vendor_id: int
    vendor: str
    name: str
    unit: str
    direction: str
    target: float
    threshold: float | None
    weight: float
    frequency: str
    category: str
    description: str
    measurements: int
