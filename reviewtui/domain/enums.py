"""Allowed values of the enumerated columns, with the labels people read."""

from __future__ import annotations

CRITICALITY = ("critical", "standard", "low")
VENDOR_CATEGORIES = ("it_service_desk", "contact_centre", "manufacturing", "other")
SIDES = ("client", "vendor")
DIRECTIONS = ("higher", "lower")
FREQUENCIES = ("monthly", "quarterly", "weekly")
KPI_CATEGORIES = ("quality", "cost", "delivery", "service")
SOURCES = ("vendor", "independent")
MEETING_TYPES = ("monthly", "qbr", "adhoc")
MEETING_STATUSES = ("planned", "in_progress", "ended", "signed_off", "cancelled")
ATTENDANCE = ("present", "absent", "apologies")
OUTCOME_KINDS = ("information", "decision", "action", "parked")
PLAN_SOURCES = ("kpi", "audit", "feedback", "agenda", "manual")
PLAN_STATUSES = ("open", "verifying", "closed", "reopened")
ACTION_STATUSES = ("open", "in_progress", "done", "cancelled")
OPEN_ACTION_STATUSES = ("open", "in_progress")
PRIORITIES = ("low", "medium", "high", "critical")
VERIFICATION_OUTCOMES = ("confirmed", "not_confirmed", "inconclusive")
FEEDBACK_DIRECTIONS = ("client_to_vendor", "vendor_to_client")
FEEDBACK_CATEGORIES = ("achievement", "improvement", "concern", "recognition")
ESCALATION_STATUSES = ("open", "acknowledged", "resolved", "closed")
AUDIT_TYPES = ("site_visit", "remote_audit", "security_assessment")
AUDIT_RESULTS = ("pass", "conditional", "fail")
FINDING_SEVERITIES = ("critical", "major", "minor", "observation")
SIGNOFF_METHODS = ("in_meeting", "typed", "written")

LABELS = {
    "it_service_desk": "IT service desk",
    "contact_centre": "Contact centre",
    "manufacturing": "Contract manufacturing",
    "other": "Other",
    "in_progress": "in progress",
    "signed_off": "signed off",
    "not_confirmed": "not confirmed",
    "client_to_vendor": "client → vendor",
    "vendor_to_client": "vendor → client",
    "site_visit": "site visit",
    "remote_audit": "remote audit",
    "security_assessment": "security assessment",
    "in_meeting": "in the meeting",
    "written": "written acknowledgement",
    "qbr": "QBR",
}


def label(value: str | None) -> str:
    """A human label for a stored enum value."""
    if value is None:
        return ""
    return LABELS.get(value, value.replace("_", " "))
