"""Escalations, their log and ladder, and what the rules suggest, as read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reviewtui.domain import escalation as rules


@dataclass(frozen=True)
class LadderStep:
    level: int
    client_contact_id: int | None
    client: str
    vendor_contact_id: int | None
    vendor: str
    response_hours: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "client": self.client,
            "vendor": self.vendor,
            "response_hours": self.response_hours,
        }


@dataclass(frozen=True)
class EscalationRow:
    id: int
    vendor_id: int
    vendor: str
    level: int
    reason: str
    status: str
    raised_at: datetime
    raised_by: str
    kpi_id: int | None
    action_id: int | None
    plan_id: int | None
    item: str  # "KPI OTIF", "action 12", "plan 3", or ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "vendor_id": self.vendor_id,
            "vendor": self.vendor,
            "level": self.level,
            "reason": self.reason,
            "status": self.status,
            "raised_at": self.raised_at.isoformat(),
            "raised_by": self.raised_by,
            "item": self.item,
        }


@dataclass(frozen=True)
class LogRow:
    at: datetime
    author: str
    status: str | None
    text: str


@dataclass(frozen=True)
class EscalationDetail:
    row: EscalationRow
    step: LadderStep | None
    log: tuple[LogRow, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class VendorSuggestion:
    """A rule's suggestion for one vendor, with the ladder step it points at."""

    vendor_id: int
    vendor: str
    suggestion: rules.Suggestion
    step: LadderStep | None
    item: str = ""  # "KPI OTIF", "action 12", "plan 3"

    def as_dict(self) -> dict[str, Any]:
        s = self.suggestion
        return {
            "vendor_id": self.vendor_id,
            "vendor": self.vendor,
            "rule": s.rule,
            "level": s.level,
            "reason": s.reason,
            "item": self.item,
            "kpi_id": s.kpi_id,
            "action_id": s.action_id,
            "plan_id": s.plan_id,
            "escalation_id": s.escalation_id,
            "contacts": ladder_contacts(self.step),
        }


def ladder_contacts(step: LadderStep | None) -> str:
    """The contacts of a ladder step as one line: "client / vendor"."""
    if step is None:
        return ""
    return " / ".join(x for x in (step.client, step.vendor) if x)
