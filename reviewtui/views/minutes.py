"""Minutes revisions, as read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reviewtui.domain import minutes as dm


@dataclass(frozen=True)
class MinutesView:
    """One revision of a meeting's minutes, ready to preview, export or verify."""

    meeting_id: int
    revision: int
    status: str  # draft | signed_off
    document: dict[str, Any]
    content: bytes  # the canonical JSON
    sha256: str  # of ``content``
    stored_sha256: str | None  # what the database holds for a signed-off revision
    latest_revision: int

    @property
    def signed_off(self) -> bool:
        return self.status == "signed_off"

    @property
    def file_stem(self) -> str:
        return dm.file_stem(self.document)


@dataclass(frozen=True)
class RevisionInfo:
    """A revision in the meeting's history."""

    revision: int
    status: str
    sha256: str
    signed_off_at: datetime | None


@dataclass(frozen=True)
class MeetingRef:
    """A meeting as the minutes screen lists it."""

    id: int
    vendor: str
    title: str
    type: str
    scheduled_at: datetime
    status: str
    revision: int
