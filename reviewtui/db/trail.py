"""Reading the audit trail: who changed what, when, with the values before and after.

The trail itself is written by :mod:`reviewtui.db.changelog` on every flush. A vendor session
sees only its own vendor's entries (:mod:`reviewtui.db.access`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from reviewtui.db import access
from reviewtui.db import models as m
from reviewtui.views.trail import AuditEntry


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
