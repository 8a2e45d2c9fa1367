"""Audits and site visits with their findings, as read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class FindingRow:
    id: int
    audit_id: int
    severity: str
    title: str
    description: str
    plan_id: int | None  # the plan raised from it, if any
    plan_status: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "audit_id": self.audit_id,
            "severity": self.severity,
            "title": self.title,
            "description": self.description,
            "plan_id": self.plan_id,
            "plan_status": self.plan_status,
        }


@dataclass(frozen=True)
class AuditRow:
    id: int
    vendor_id: int
    vendor: str
    date: date
    type: str
    auditor: str
    result: str
    findings: int
    critical: int
    major: int
    without_plan: int  # critical or major findings with no plan yet

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "vendor_id": self.vendor_id,
            "vendor": self.vendor,
            "date": self.date.isoformat(),
            "type": self.type,
            "auditor": self.auditor,
            "result": self.result,
            "findings": self.findings,
            "critical": self.critical,
            "major": self.major,
            "without_plan": self.without_plan,
        }


@dataclass(frozen=True)
class AuditDetail:
    id: int
    vendor_id: int
    vendor: str
    date: date
    type: str
    auditor: str
    scope: str
    result: str
    notes: str
    findings: tuple[FindingRow, ...] = field(default_factory=tuple)
