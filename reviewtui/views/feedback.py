"""Meeting feedback and its summary, as read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class FeedbackRow:
    id: int
    vendor_id: int
    meeting_id: int | None
    meeting_at: datetime | None
    direction: str
    category: str
    rating: int | None
    text: str
    author: str
    created_at: datetime
    given_by: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "meeting_id": self.meeting_id,
            "direction": self.direction,
            "category": self.category,
            "rating": self.rating,
            "text": self.text,
            "given_by": self.given_by,
            "author": self.author,
            "created_at": self.created_at.astimezone().isoformat(timespec="minutes"),
        }


@dataclass(frozen=True)
class SummaryLine:
    """Feedback of one direction and category: how many, and the average rating."""

    direction: str
    category: str
    count: int
    average_rating: float | None


@dataclass(frozen=True)
class FeedbackSummary:
    """A meeting's feedback by direction and category."""

    lines: tuple[SummaryLine, ...]

    def count(self, direction: str | None = None) -> int:
        return sum(x.count for x in self.lines if direction in (None, x.direction))
