"""What a meeting's agenda is built from, as read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reviewtui.domain.portfolio import VendorScorecard


@dataclass(frozen=True)
class AgendaAction:
    """An action the agenda discusses (carried over) or the meeting raised, as it stands."""

    id: int
    title: str
    owner: str
    status: str
    due_date: date
    overdue: bool
    raised_here: bool


@dataclass(frozen=True)
class MeetingFacts:
    """The scorecard as at ``period`` and the agenda's actions, read in one go."""

    meeting_id: int
    period: str
    card: VendorScorecard
    actions: tuple[AgendaAction, ...]
