"""Who gets mail and what was sent, as read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Attendee:
    """Someone listed at a meeting, with the email their contact has ('' when none)."""

    name: str
    side: str
    status: str
    email: str
    organisation: str = ""


@dataclass(frozen=True)
class ContactAddress:
    """A vendor's contact with an email, for invitations."""

    name: str
    side: str
    email: str


@dataclass(frozen=True)
class SentRow:
    """One recorded delivery to one recipient."""

    at: datetime
    sent_by: str
    kind: str
    revision: int | None
    draft: bool
    recipient: str
    recipient_name: str
    field: str
    message_id: str
    sha256: str
    sequence: int | None


@dataclass(frozen=True)
class InviteState:
    """A meeting as an invitation describes it."""

    meeting_id: int
    vendor_id: int
    vendor: str
    type: str
    title: str
    scheduled_at: datetime
    location: str
    status: str
    facilitator: str
    uid: str
    sequence: int
    cancel_reason: str
    agenda: tuple[tuple[str, int], ...]  # (title, timebox minutes)


@dataclass(frozen=True)
class DueAction:
    """An open action for a reminder: due within the window or overdue."""

    id: int
    vendor_id: int
    vendor: str
    title: str
    owner: str
    owner_email: str
    due_date: date
    days_overdue: int
    priority: str
    plan: str
    meeting: str  # "Monthly service review, 2026-11-03" or ''
