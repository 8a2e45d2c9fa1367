"""The change trail, as read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# Columns that say nothing to a reader of the trail.
_QUIET = {"id", "version", "created_at", "recorded_at"}


def _short(value: Any) -> str:
    text = "∅" if value is None else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


@dataclass(frozen=True)
class AuditEntry:
    """One change: an insert, update or delete of one record (or a restore of the database)."""

    id: int
    at: datetime
    user: str
    op: str
    entity: str
    entity_id: int | None
    vendor_id: int | None
    vendor: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def changes(self, width: int | None = None) -> str:
        """A one-line summary: ``field: old -> new`` for updates, ``field=value`` otherwise."""
        if self.op == "update" and self.before is not None and self.after is not None:
            parts = [
                f"{k}: {_short(self.before.get(k))} -> {_short(self.after.get(k))}"
                for k in sorted(set(self.before) | set(self.after))
            ]
        else:
            values = self.after if self.after is not None else (self.before or {})
            parts = [
                f"{k}={_short(v)}"
                for k, v in values.items()
                if k not in _QUIET and v not in (None, "", [], {})
            ]
        text = "; ".join(parts)
        if width is not None and len(text) > width:
            text = text[: max(width - 1, 0)] + "…"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "user": self.user,
            "op": self.op,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "vendor_id": self.vendor_id,
            "vendor": self.vendor,
            "before": self.before,
            "after": self.after,
        }
