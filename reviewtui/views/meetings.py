"""Meetings, their agenda items, outcomes and attendees, as read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class MeetingRow:
    """One line of the meeting list."""

    id: int
    vendor_id: int
    vendor: str
    type: str
    title: str
    scheduled_at: datetime
    status: str
    location: str
    facilitator: str
    items: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "vendor": self.vendor,
            "type": self.type,
            "title": self.title,
            "scheduled_at": self.scheduled_at.astimezone().isoformat(timespec="minutes"),
            "status": self.status,
            "location": self.location,
            "facilitator": self.facilitator,
            "items": self.items,
        }


@dataclass(frozen=True)
class OutcomeRow:
    id: int
    kind: str
    text: str
    action_id: int | None
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class ItemRow:
    """An agenda item with its notes and outcomes."""

    id: int
    position: int
    title: str
    kind: str
    timebox_minutes: int
    notes: str
    notes_version: int
    notes_updated_by: str
    notes_updated_at: datetime | None
    started_at: datetime | None
    elapsed_seconds: int
    kpi_id: int | None
    action_id: int | None
    carried_from_id: int | None
    outcomes: tuple[OutcomeRow, ...] = ()


@dataclass(frozen=True)
class AttendeeRow:
    id: int
    contact_id: int | None
    name: str
    organisation: str
    role: str
    side: str
    status: str


@dataclass(frozen=True)
class Person:
    """A vendor contact who can attend or own an action."""

    id: int
    name: str
    side: str
    organisation: str
    role: str


@dataclass(frozen=True)
class MeetingView:
    """Everything the live meeting screen shows, loaded in one go."""

    id: int
    vendor_id: int
    vendor: str
    type: str
    title: str
    scheduled_at: datetime
    location: str
    status: str
    started_at: datetime | None
    ended_at: datetime | None
    facilitator: str
    current_item_id: int | None
    next_meeting_at: datetime | None
    version: int
    items: tuple[ItemRow, ...]
    attendance: tuple[AttendeeRow, ...]
    people: tuple[Person, ...]

    @property
    def read_only(self) -> bool:
        return self.status == "signed_off"

    @property
    def planned_minutes(self) -> int:
        return sum(i.timebox_minutes for i in self.items)

    def item(self, item_id: int | None) -> ItemRow | None:
        return next((i for i in self.items if i.id == item_id), None)

    def index_of(self, item_id: int | None) -> int | None:
        return next((n for n, i in enumerate(self.items) if i.id == item_id), None)
