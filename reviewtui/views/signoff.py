"""What a meeting still needs before sign-off, as read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MeetingCheck:
    """The database side of verification: what the stored sign-off says, and what differs."""

    meeting_id: int
    revision: int | None
    sha256: str | None
    content: bytes | None
    problems: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems
