"""Actions as lists, the editor and the minutes read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class ActionRow:
    """One action as lists show it."""

    id: int
    vendor_id: int
    vendor: str
    plan_id: int | None
    meeting_id: int | None
    title: str
    owner: str
    owner_contact_id: int | None
    due_date: date
    priority: str
    status: str
    days_overdue: int
    version: int

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "vendor_id": self.vendor_id,
            "vendor": self.vendor,
            "title": self.title,
            "owner": self.owner,
            "due_date": self.due_date.isoformat(),
            "status": self.status,
            "priority": self.priority,
            "overdue": self.overdue,
            "days_overdue": self.days_overdue,
            "plan_id": self.plan_id,
            "meeting_id": self.meeting_id,
        }


@dataclass(frozen=True)
class ActionPage:
    """One page of the list and the total that matched."""

    rows: tuple[ActionRow, ...]
    total: int
    offset: int
    limit: int

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1 if self.limit else 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit)) if self.limit else 1


@dataclass(frozen=True)
class NoteRow:
    id: int
    at: datetime
    author: str
    text: str
    status_from: str | None
    status_to: str | None
    meeting_id: int | None


@dataclass(frozen=True)
class ActionDetail:
    """An action with its notes (newest last) and its plan's title."""

    action: ActionRow
    plan_title: str | None
    plan_raised_on: date | None
    created_at: datetime
    closed_at: datetime | None
    notes: tuple[NoteRow, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class StatusChange:
    """A status change made during a meeting, for the minutes."""

    action_id: int
    title: str
    owner: str
    status_from: str | None
    status_to: str | None
    note: str
    at: datetime
    author: str
