"""Corrective action plans with their checks and KPI trend, as read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reviewtui.views.actions import ActionRow


@dataclass(frozen=True)
class PlanRow:
    id: int
    vendor_id: int
    vendor: str
    title: str
    source: str
    status: str
    raised_on: date
    verification_due: date | None
    open_actions: int
    actions: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "vendor_id": self.vendor_id,
            "vendor": self.vendor,
            "title": self.title,
            "source": self.source,
            "status": self.status,
            "raised_on": self.raised_on.isoformat(),
            "verification_due": self.verification_due.isoformat()
            if self.verification_due
            else None,
            "open_actions": self.open_actions,
            "actions": self.actions,
        }


@dataclass(frozen=True)
class VerificationRow:
    id: int
    check_date: date
    outcome: str
    note: str
    verified_by: str


@dataclass(frozen=True)
class KpiPoint:
    """A KPI value in a period and its status (green, amber or red)."""

    period: str
    value: float
    source: str
    status: str


@dataclass(frozen=True)
class KpiSince:
    """The KPI a plan was raised for, from the period before the plan until now."""

    kpi_id: int
    name: str
    unit: str
    direction: str
    target: float
    threshold: float | None
    before: KpiPoint | None
    since: tuple[KpiPoint, ...]


@dataclass(frozen=True)
class PlanDetail:
    id: int
    vendor_id: int
    vendor: str
    title: str
    problem: str
    source: str
    kpi_id: int | None
    finding_id: int | None
    feedback_id: int | None
    agenda_item_id: int | None
    link_label: str
    whys: tuple[str, ...]
    root_cause: str
    root_cause_category: str
    containment: str
    status: str
    raised_on: date
    verification_due: date | None
    created_by: str
    version: int
    actions: tuple[ActionRow, ...] = field(default_factory=tuple)
    verifications: tuple[VerificationRow, ...] = field(default_factory=tuple)
    verify_blocker: str | None = None

    @property
    def not_confirmed(self) -> int:
        return sum(1 for v in self.verifications if v.outcome == "not_confirmed")
