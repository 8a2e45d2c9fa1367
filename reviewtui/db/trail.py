"""Reading the audit trail: who changed what, when, with the values before and after.

The trail itself is written by :mod:`reviewtui.db.changelog` on every flush. A vendor session
sees only its own vendor's entries (:mod:`reviewtui.db.access`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from reviewtui.db import access
from reviewtui.db import models as m

# Columns that say nothing to a reader of the trail.
_QUIET = {"id", "version", "created_at", "recorded_at"}


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


def _short(value: Any) -> str:
    text = "∅" if value is None else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _load(raw: str | None) -> dict[str, Any] | None:
    return None if raw is None else json.loads(raw)


def entries(
    *,
    session: Session,
    vendor_id: int | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """Audit entries this session may see, oldest first.

    ``vendor_id`` keeps one vendor's; ``since`` (aware) keeps those at or after it; ``limit``
    keeps the newest ``limit`` of what is left.
    """
    q = select(m.ChangeLog, col(m.Vendor.name)).outerjoin(
        m.Vendor, col(m.Vendor.id) == m.ChangeLog.vendor_id
    )
    q = access.scoped(q, col(m.ChangeLog.vendor_id), session=session)
    if vendor_id is not None:
        q = q.where(col(m.ChangeLog.vendor_id) == vendor_id)
    if since is not None:
        q = q.where(col(m.ChangeLog.at) >= since)
    if limit is not None:
        q = q.order_by(col(m.ChangeLog.id).desc()).limit(limit)
    else:
        q = q.order_by(col(m.ChangeLog.id))
    rows = [
        AuditEntry(
            id=c.id,
            at=c.at,
            user=c.user,
            op=c.op,
            entity=c.entity,
            entity_id=c.entity_id,
            vendor_id=c.vendor_id,
            vendor=name,
            before=_load(c.before),
            after=_load(c.after),
        )
        for c, name in session.execute(q)
    ]
    if limit is not None:
        rows.reverse()
    return rows
